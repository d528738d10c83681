package io.clicklake.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;

/**
 * Writes a few bookkeeping rows to an unpartitioned table through Iceberg's own API: Parquet files
 * written by the driver and one commit, tagged like every batch write. No Spark job is planned or
 * scheduled, so a row costs milliseconds instead of the second a Spark write of one row takes; a
 * batch makes several such commits.
 */
final class DirectWrite {
  private DirectWrite() {}

  /**
   * Appends {@code rows} (column name to value, Iceberg's generic types) in one commit. Serialized
   * in this JVM: the marts of a wave record their commits at the same moment, and a commit of a few
   * milliseconds is cheaper to wait for than to retry after a conflict.
   */
  static synchronized void append(
      Table table, List<Map<String, Object>> rows, Map<String, String> tags) {
    DataFile file = dataFile(table, rows);
    AppendFiles append = table.newAppend().appendFile(file);
    tags.forEach(append::set);
    append.commit();
  }

  /**
   * Replaces the rows whose {@code key} is among the keys of {@code rows} (inserting those absent)
   * in one commit: an equality delete of the keys and a data file of the new rows. The commit fails
   * with Iceberg's {@code ValidationException} when another writer added or deleted rows of one of
   * these keys since {@code base} (the snapshot the caller read them at; null for an empty table),
   * so a caller that re-reads and retries never loses that writer's change.
   */
  static synchronized void replace(
      Table table,
      String key,
      List<Map<String, Object>> rows,
      Long base,
      Map<String, String> tags) {
    Schema keySchema = table.schema().select(key);
    int keyId = table.schema().findField(key).fieldId();
    List<Object> keys = new ArrayList<>();
    rows.forEach(r -> keys.add(r.get(key)));
    EqualityDeleteWriter<Record> deletes;
    try {
      deletes =
          Parquet.writeDeletes(newFile(table))
              .forTable(table)
              .rowSchema(keySchema)
              .createWriterFunc(GenericParquetWriter::create)
              .equalityFieldIds(keyId)
              .overwrite()
              .buildEqualityWriter();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a delete file for " + table.name(), e);
    }
    try (deletes) {
      for (Object k : keys) {
        Record r = GenericRecord.create(keySchema);
        r.setField(key, k);
        deletes.write(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a delete file of " + table.name(), e);
    }
    RowDelta delta =
        table
            .newRowDelta()
            .addRows(dataFile(table, rows))
            .addDeletes(deletes.toDeleteFile())
            .conflictDetectionFilter(Expressions.in(key, keys.toArray()))
            .validateNoConflictingDataFiles()
            .validateNoConflictingDeleteFiles();
    if (base != null) {
      delta.validateFromSnapshot(base);
    }
    tags.forEach(delta::set);
    delta.commit();
  }

  private static OutputFile newFile(Table table) {
    return table
        .io()
        .newOutputFile(
            table
                .locationProvider()
                .newDataLocation(FileFormat.PARQUET.addExtension(UUID.randomUUID().toString())));
  }

  /** One Parquet data file of {@code rows}, not yet committed. */
  private static DataFile dataFile(Table table, List<Map<String, Object>> rows) {
    if (!table.spec().isUnpartitioned()) {
      throw new IllegalArgumentException(table.name() + " is partitioned; write it through Spark");
    }
    DataWriter<Record> writer;
    try {
      writer =
          Parquet.writeData(newFile(table))
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
    return writer.toDataFile();
  }
}
