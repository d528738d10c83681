package io.clicklake.io;

import io.clicklake.quality.ParsedRow;
import io.clicklake.quality.RowRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import org.apache.iceberg.hadoop.SerializableConfiguration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Parses {@link Chunk}s in parallel, one Spark task per chunk: each task streams its lines ({@link
 * ChunkLines}) through the row rules ({@link RowRules}) into rows of {@link #SCHEMA}, a clean row
 * with its event columns or a quarantined one with its reason, detail and raw text; every row keeps
 * its file and line number. Lazy and streaming: a task holds one line at a time.
 */
public final class ChunkParser {
  /** A parsed line: {@code reason} is null for a clean row, which then has the event columns. */
  public static final StructType SCHEMA =
      new StructType()
          .add("file_index", DataTypes.IntegerType, false)
          .add("source_file", DataTypes.StringType, false)
          .add("line_number", DataTypes.LongType, false)
          .add("reason", DataTypes.StringType)
          .add("detail", DataTypes.StringType)
          .add("raw_line", DataTypes.StringType)
          .add("event_id", DataTypes.StringType)
          .add("event_time", DataTypes.TimestampType)
          .add("event_type", DataTypes.StringType)
          .add("product_id", DataTypes.LongType)
          .add("category_id", DataTypes.LongType)
          .add("category_code", DataTypes.StringType)
          .add("brand", DataTypes.StringType)
          .add("price", DataTypes.createDecimalType(13, 2))
          .add("user_id", DataTypes.LongType)
          .add("user_session", DataTypes.StringType);

  private ChunkParser() {}

  /** The parsed rows of the chunks, one partition per chunk, in chunk order. */
  public static Dataset<Row> parse(SparkSession spark, List<Chunk> chunks) {
    SerializableConfiguration conf =
        new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // progress only (the local runner shows it); counts come from the data, never from this
    LongAccumulator progress = spark.sparkContext().longAccumulator("clicklake.rows");
    JavaRDD<Row> rows =
        jsc.parallelize(chunks, chunks.size())
            .flatMap(c -> new ParseIterator(c, new ChunkLines(c, conf.get()), progress));
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** Lazily turns the lines of a chunk into parsed rows. */
  private static final class ParseIterator implements Iterator<Row> {
    private final Chunk chunk;
    private final ChunkLines lines;
    private final LongAccumulator progress;
    private long pending;

    ParseIterator(Chunk chunk, ChunkLines lines, LongAccumulator progress) {
      this.chunk = chunk;
      this.lines = lines;
      this.progress = progress;
    }

    @Override
    public boolean hasNext() {
      boolean more = lines.hasNext();
      if (!more || pending >= 100_000) {
        progress.add(pending);
        pending = 0;
      }
      if (!more) {
        try {
          lines.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return more;
    }

    @Override
    public Row next() {
      ChunkLines.Line l = lines.next();
      pending++;
      ParsedRow p =
          l.tooLong()
              ? RowRules.tooLong(
                  l.bytes, ChunkLines.MAX_LINE_BYTES, ChunkLines.LONG_LINE_KEPT_BYTES)
              : RowRules.apply(l.text);
      if (!p.isClean()) {
        return RowFactory.create(
            chunk.fileIndex,
            chunk.fileName,
            l.number,
            p.reason.code(),
            p.detail,
            l.text,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
      }
      return RowFactory.create(
          chunk.fileIndex,
          chunk.fileName,
          l.number,
          null,
          null,
          null,
          RowRules.eventId(p),
          Timestamp.from(p.eventTime.toInstant(ZoneOffset.UTC)),
          p.eventType,
          p.productId,
          p.categoryId,
          p.categoryCode,
          p.brand,
          p.price,
          p.userId,
          p.userSession);
    }
  }
}
