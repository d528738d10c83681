-- Read-only user for Power BI and other readers. Run as an administrator, after 01_tables.sql.
-- Replace the database name if yours is not `clickstream`, and pass the password from outside:
--   mysql -u admin -p -e "set @pw = '...'; source sql/02_reporting_user.sql"
-- The statements below work on MySQL 8.0+ and MariaDB 10.11+.
set @db = coalesce(@db, 'clickstream');
set @pw = coalesce(@pw, '');

set @s = concat('create user if not exists ''reporting''@''%'' identified by ', quote(@pw));
prepare st from @s; execute st; deallocate prepare st;

set @s = concat('grant select on `', @db, '`.* to ''reporting''@''%''');
prepare st from @s; execute st; deallocate prepare st;
