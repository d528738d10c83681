-- Read-only user `reporting` for Power BI and other readers (data contract section 7). Run it as an
-- administrator, after 01_tables.sql, with the database of the published tables selected, passing
-- the password from outside (it is never stored in a file):
--   mysql -u admin -p clickstream -e "set @pw = '...'; source sql/02_reporting_user.sql"
-- Rerunning it sets the password again and re-grants (rerun it after adding a column to pipeline_batches).
--
-- - It refuses to run without a password: with @pw unset or empty it signals an error before
--   creating the user or granting anything.
-- - It grants SELECT on the published tables only, never on the database: the export's staging
--   tables (<table>__stage_<token>, __new_<token>, __old_<token>) and its lock record
--   (clicklake_export_lock) stay invisible to readers. pipeline_batches is granted column by column,
--   every column except error_message (error texts can hold paths, hosts and server messages), so
--   readers must name its columns: `select *` from it is refused.
-- - Table and column grants are keyed by name in MySQL and MariaDB, so they hold for the table that
--   the export's full refresh swaps in with RENAME TABLE.
-- The statements work on MySQL 8.0+ and MariaDB 10.11+. SIGNAL needs a stored procedure there (MySQL
-- cannot prepare it), so the work is one procedure, created in the selected database, called, dropped.
-- A refused run leaves only that procedure; the next run replaces it.

drop procedure if exists clicklake_reporting_user;

delimiter //
create procedure clicklake_reporting_user(in pw text)
begin
  declare db text default database();
  declare cols text;
  declare no_such_grant condition for 1141;
  declare no_such_table_grant condition for 1147;
  declare continue handler for no_such_grant, no_such_table_grant begin end;

  if pw is null or pw = '' then
    signal sqlstate '45000'
      set message_text = 'refusing to create the reporting user without a password: set @pw first (see sql/02_reporting_user.sql)';
  end if;

  set session group_concat_max_len = 65536;
  select group_concat(concat('`', column_name, '`') order by ordinal_position separator ', ') into cols
    from information_schema.columns
    where table_schema = db and table_name = 'pipeline_batches' and column_name <> 'error_message';
  if cols is null then
    signal sqlstate '45000' set message_text = 'pipeline_batches is missing from the selected database: run sql/01_tables.sql there first';
  end if;

  set @clicklake_s = concat('create user if not exists ''reporting''@''%'' identified by ', quote(pw));
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = concat('alter user ''reporting''@''%'' identified by ', quote(pw));
  prepare st from @clicklake_s; execute st; deallocate prepare st;

  -- earlier versions granted the whole database, which showed the staging tables; take it back (1141: there was none)
  set @clicklake_s = concat('revoke select on `', replace(db, '`', '``'), '`.* from ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;

  set @clicklake_s = concat('grant select on `', replace(db, '`', '``'), '`.`user_engagement` to ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = concat('grant select on `', replace(db, '`', '``'), '`.`session_revenue` to ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = concat('grant select on `', replace(db, '`', '``'), '`.`daily_funnel` to ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = concat('grant select on `', replace(db, '`', '``'), '`.`category_performance` to ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = concat('grant select on `', replace(db, '`', '``'), '`.`brand_performance` to ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = concat('grant select on `', replace(db, '`', '``'), '`.`product_performance` to ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = concat('grant select on `', replace(db, '`', '``'), '`.`hourly_activity` to ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = concat('grant select on `', replace(db, '`', '``'), '`.`cohort_retention` to ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = concat('grant select on `', replace(db, '`', '``'), '`.`cart_abandonment` to ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  -- a table-level grant would include error_message (1147: there was none)
  set @clicklake_s = concat('revoke select on `', replace(db, '`', '``'), '`.`pipeline_batches` from ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = concat('grant select (', cols, ') on `', replace(db, '`', '``'), '`.`pipeline_batches` to ''reporting''@''%''');
  prepare st from @clicklake_s; execute st; deallocate prepare st;
  set @clicklake_s = null;
end//
delimiter ;

call clicklake_reporting_user(@pw);
drop procedure clicklake_reporting_user;
