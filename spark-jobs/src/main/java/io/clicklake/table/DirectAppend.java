package io.clicklake.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;

/**
 * Appends a few bookkeeping rows to an unpartitioned table through Iceberg's own API: one Parquet
 * file written by the driver and one append commit, tagged like every batch write. No Spark job is
 * planned or scheduled, so a row costs milliseconds instead of the second a Spark write of one row
 * takes; a batch makes one such commit per table it writes.
 */
final class DirectAppend {
  private DirectAppend() {}

  /**
   * Appends {@code rows} (column name to value, Iceberg's generic types) in one commit. Serialized
   * in this JVM: the marts of a wave record their commits at the same moment, and a commit of a few
   * milliseconds is cheaper to wait for than to retry after a conflict.
   */
  static synchronized void append(
      Table table, List<Map<String, Object>> rows, Map<String, String> tags) {
    if (!table.spec().isUnpartitioned()) {
      throw new IllegalArgumentException(table.name() + " is partitioned; write it through Spark");
    }
    OutputFile out =
        table
            .io()
            .newOutputFile(
                table
                    .locationProvider()
                    .newDataLocation(
                        FileFormat.PARQUET.addExtension(UUID.randomUUID().toString())));
    DataWriter<Record> writer;
    try {
      writer =
          Parquet.writeData(out)
              .schema(table.schema())
              .createWriterFunc(GenericParquetWriter::create)
              .withSpec(table.spec())
              .overwrite()
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a data file for " + table.name(), e);
    }
    try (writer) {
      for (Map<String, Object> row : rows) {
        Record r = GenericRecord.create(table.schema());
        row.forEach(r::setField);
        writer.write(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a data file of " + table.name(), e);
    }
    AppendFiles append = table.newAppend().appendFile(writer.toDataFile());
    tags.forEach(append::set);
    append.commit();
  }
}
