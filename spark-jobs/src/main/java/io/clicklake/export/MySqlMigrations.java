package io.clicklake.export;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.LoggerFactory;

/**
 * Brings the MySQL schema to its newest version with Flyway, so that a column added in a new
 * release reaches a database an earlier one created: V1 ({@link
 * io.clicklake.export.migration.V1__Published_tables}) creates what {@code sql/01_tables.sql}, the
 * one definition of the schema, defines and the database lacks; the later migrations of {@code
 * sql/migrations} (on the classpath as {@value #LOCATION}) change existing tables. Flyway records
 * what it applied in {@value #HISTORY_TABLE}, which the reporting user has no grant on.
 *
 * <p>A database that a release before Flyway created (published tables, no history table) is
 * baselined at version 0: V1 ({@code create table if not exists}) then creates only the tables that
 * release lacked, and V1.1 adds the columns it lacked. A database holding no table at all is
 * migrated from V1.
 */
public final class MySqlMigrations {
  public static final String LOCATION = "classpath:mysql-migrations";

  /** Where V1 is: a Java migration that runs {@code sql/01_tables.sql}. */
  public static final String JAVA_LOCATION = "classpath:io/clicklake/export/migration";

  public static final String HISTORY_TABLE = "clicklake_schema_history";

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(MySqlMigrations.class);

  private MySqlMigrations() {}

  /**
   * Migrates the target's database, again after a connection loss; a failed migration becomes a
   * {@link MySqlException} naming it. The export calls it holding its lock, so two exports never
   * migrate at once (Flyway's own lock guards the rest).
   */
  public static void migrate(MySqlTarget target) {
    target.retry(
        "migrating the MySQL schema",
        () -> {
          try {
            MigrateResult r = migrate(dataSource(() -> target.connectOnce(new Properties())));
            if (r.migrationsExecuted > 0) {
              LOG.info(
                  "MySQL at {}: schema migrated from version {} to {} ({} migrations)",
                  target.where(),
                  r.initialSchemaVersion,
                  r.targetSchemaVersion,
                  r.migrationsExecuted);
            }
            return r;
          } catch (FlywayException e) {
            if (MySqlTarget.retryable(e)) {
              throw e;
            }
            throw new MySqlException(
                "MySQL at "
                    + target.where()
                    + ": migrating the schema (sql/migrations, history in "
                    + HISTORY_TABLE
                    + ") failed: "
                    + e.getMessage(),
                e);
          }
        });
  }

  /** Migrates the database of {@code dataSource}'s connections. */
  public static MigrateResult migrate(DataSource dataSource) {
    return configure(dataSource).load().migrate();
  }

  /** The settings of {@link #migrate(DataSource)}; tests add a location of extra migrations. */
  static FluentConfiguration configure(DataSource dataSource) {
    return Flyway.configure(MySqlMigrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(JAVA_LOCATION, LOCATION)
        .failOnMissingLocations(true) // a jar without the migrations would migrate nothing
        .validateMigrationNaming(true) // a misnamed file would be skipped silently
        .table(HISTORY_TABLE)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .baselineDescription("created before Flyway");
  }

  /**
   * The connections {@code open} opens, as Flyway takes them: it opens and closes its own, more
   * than one at a time.
   */
  public static DataSource dataSource(MySqlTarget.Work<Connection> open) {
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        return open.run();
      }

      @Override
      public Connection getConnection(String user, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the user is that of the connections opened");
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
      }

      @Override
      public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) {
        return false;
      }
    };
  }
}
