package io.clicklake.mart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The model files without Spark: their headers, the build order derived from their refs, the
 * macros.
 */
class ModelsTest {
  private static final Set<String> SOURCES = Set.of("events");

  private static ModelFile model(String path, String header, String select) {
    return ModelFile.parse(path, header + "\n" + select);
  }

  private static ModelFile table(String name, String... reads) {
    String refs =
        List.of(reads).stream().map(r -> "ref('" + r + "')").collect(Collectors.joining(", "));
    String from =
        List.of(reads).stream()
            .map(r -> "{{ ref('" + r + "') }}")
            .collect(Collectors.joining(", "));
    return model(
        "models/star/" + name + ".sql",
        "-- key: id\n-- strategy: append\n-- reads: " + refs,
        "select * from " + from);
  }

  private static List<List<String>> names(List<List<ModelFile>> waves) {
    return waves.stream()
        .map(w -> w.stream().map(m -> m.name).collect(Collectors.toList()))
        .collect(Collectors.toList());
  }

  @Test
  void theShippedModelsBuildInThreeWavesAfterTheStagingViews() {
    Models models = Models.load(SOURCES);
    assertThat(names(models.waves()))
        .as("waves of every model")
        .containsExactly(
            List.of("stg_all_events"),
            List.of("stg_events"),
            List.of(
                "dim_category",
                "fact_sessions",
                "dim_product",
                "fact_user_sessions",
                "fact_user_weeks",
                "dim_brand",
                "dim_date",
                "dim_user",
                "mart_brand_performance",
                "mart_daily_funnel",
                "mart_hourly_activity"),
            List.of(
                "mart_cart_abandonment",
                "mart_category_performance",
                "mart_cohort_retention",
                "mart_product_performance",
                "mart_session_revenue",
                "mart_user_engagement"));
    assertThat(models.views().stream().map(m -> m.name))
        .as("views, in order")
        .containsExactly("stg_all_events", "stg_events");
    assertThat(models.tables())
        .as("tables in build order")
        .hasSize(17)
        .last()
        .isEqualTo("mart_user_engagement");
    assertThat(models.waves().stream().flatMap(List::stream).map(m -> m.layer + "/" + m.name))
        .as("layers are the folders")
        .contains(
            "staging/stg_events", "star/dim_brand", "star/dim_user", "marts/mart_daily_funnel");
    ModelFile sessions = models.get("fact_sessions");
    assertThat(sessions.key).isEqualTo("user_session");
    assertThat(sessions.strategy).isEqualTo(ModelFile.Strategy.COMBINE);
    assertThat(sessions.reads).containsExactly("stg_events");
    assertThat(sessions.rules)
        .as("combine rules of the header")
        .hasSize(11)
        .startsWith("user_key = least(t.user_key, s.user_key)")
        .endsWith("updated_batch_id = s.updated_batch_id");
    assertThat(sessions.select)
        .as("the select starts after the header")
        .startsWith("with events as (")
        .endsWith("select * from final");
  }

  @Test
  void theMergeClauseFollowsTheStrategy() {
    ModelFile combine =
        model(
            "models/star/dim_user.sql",
            "-- Users.\n"
                + "--\n"
                + "-- key: user_key\n"
                + "-- strategy: combine\n"
                + "-- reads: ref('events')\n"
                + "-- combine (t = the table's row, s = the new row):\n"
                + "--   events = t.events + s.events\n"
                + "--   last_seen_at = greatest(t.last_seen_at, s.last_seen_at)\n"
                + "--\n"
                + "-- more text",
            "select user_id as user_key from {{ ref('events') }}");
    assertThat(combine.merge())
        .isEqualTo(
            "on t.user_key = s.user_key when matched then update set events = t.events + s.events,"
                + " last_seen_at = greatest(t.last_seen_at, s.last_seen_at) when not matched then"
                + " insert *");
    assertThat(
            model(
                    "models/star/d.sql",
                    "-- key: k\n-- strategy: insert-missing\n-- reads: ref('events')",
                    "select 1 from {{ ref('events') }}")
                .merge())
        .isEqualTo("on t.k = s.k when not matched then insert *");
    assertThat(
            model(
                    "models/marts/m.sql",
                    "-- key: k\n-- strategy: replace-keys\n-- reads: ref('events')",
                    "select 1 from {{ ref('events') }}")
                .merge())
        .isEqualTo("on t.k = s.k when matched then update set * when not matched then insert *");
    assertThat(table("f", "events").merge()).as("append: no merge").isNull();
    assertThat(
            model(
                    "models/marts/m.sql",
                    "-- key: d, k\n-- strategy: replace-keys\n-- delete when: s.n = 0\n"
                        + "-- reads: ref('events')",
                    "select 1 from {{ ref('events') }}")
                .merge())
        .as("a key of two columns; rows deleted instead of replaced")
        .isEqualTo(
            "on t.d = s.d and t.k = s.k when matched and (s.n = 0) then delete when matched then"
                + " update set * when not matched and not (s.n = 0) then insert *");
    assertThatThrownBy(
            () ->
                model(
                    "models/star/a.sql",
                    "-- key: k\n-- strategy: combine\n-- delete when: s.n = 0\n"
                        + "-- reads: ref('events')\n-- combine:\n--   n = s.n",
                    "select 1 from {{ ref('events') }}"))
        .hasMessage(
            "models/star/a.sql: a 'delete when:' field, but the strategy is combine; only strategy"
                + " replace-keys deletes rows");
    assertThat(Macros.expand("select * from {{ this }}", n -> "<" + n + ">", "models/marts/m.sql"))
        .as("{{ this }}: the model's own table")
        .isEqualTo("select * from <" + Macros.THIS + ">");
  }

  @Test
  void pruneByAddsItsBoundToTheMatchAndOnlyWhereAMergeCanUseIt() {
    ModelFile sessions =
        model(
            "models/star/s.sql",
            "-- key: user_session\n-- strategy: replace-keys\n-- prune by: first_event_at\n"
                + "-- reads: ref('events')",
            "select * from {{ ref('events') }}");
    assertThat(sessions.pruneBy).isEqualTo("first_event_at");
    assertThat(sessions.merge("t.first_event_at >= timestamp_micros(5)"))
        .as("the bound joins the key's match")
        .isEqualTo(
            "on t.user_session = s.user_session and t.first_event_at >= timestamp_micros(5) when"
                + " matched then update set * when not matched then insert *");
    assertThat(sessions.merge()).isEqualTo(sessions.merge(null));
    assertThat(
            model(
                    "models/star/s.sql",
                    "-- key: k\n-- strategy: replace-keys\n-- reads: ref('events')",
                    "select * from {{ ref('events') }}")
                .pruneBy)
        .as("no field, no bound")
        .isNull();
    assertThatThrownBy(
            () ->
                model(
                    "models/star/a.sql",
                    "-- key: k\n-- strategy: insert-missing\n-- prune by: t0\n"
                        + "-- reads: ref('events')",
                    "select * from {{ ref('events') }}"))
        .hasMessage(
            "models/star/a.sql: a 'prune by:' field, but the strategy is insert-missing; only"
                + " strategies combine and replace-keys merge with a bound");
    assertThatThrownBy(
            () ->
                model(
                    "models/star/a.sql",
                    "-- key: d, k\n-- strategy: replace-keys\n-- prune by: d\n"
                        + "-- reads: ref('events')",
                    "select * from {{ ref('events') }}"))
        .hasMessage(
            "models/star/a.sql: expected 'prune by:' to name one column of the table that is not in"
                + " the key, found 'd'");
  }

  @Test
  void malformedHeadersNameTheFileAndWhatWasExpected() {
    assertThatThrownBy(
            () ->
                model(
                    "models/star/a.sql",
                    "-- key: k\n-- reads: ref('events')",
                    "select 1 from {{ ref('events') }}"))
        .hasMessage(
            "models/star/a.sql: the header has no 'strategy:' field; expected one of [view, append,"
                + " insert-missing, combine, replace-keys], as '-- strategy: combine'");
    assertThatThrownBy(
            () ->
                model(
                    "models/star/a.sql",
                    "-- key: k\n-- strategy: upsert\n-- reads: ref('events')",
                    "select 1"))
        .hasMessageStartingWith(
            "models/star/a.sql: unknown strategy 'upsert'; expected one of [view, append");
    assertThatThrownBy(
            () ->
                model(
                    "models/star/a.sql",
                    "-- key: k\n-- strategy: append\n-- reads: events",
                    "select 1"))
        .hasMessage(
            "models/star/a.sql: in '-- reads:', expected ref('<model or source>'), found 'events'");
    assertThatThrownBy(
            () ->
                model(
                    "models/star/a.sql",
                    "-- key: k\n-- strategy: append\n-- reads: ref('events')",
                    "select 1 from {{ ref('events') }} join {{ ref('stg_events') }}"))
        .hasMessage(
            "models/star/a.sql: the header reads [events] but the select refs [events, stg_events];"
                + " list every {{ ref('...') }} of the select in '-- reads:'");
    assertThatThrownBy(
            () ->
                model(
                    "models/star/a.sql",
                    "-- key: k\n-- strategy: combine\n-- reads: ref('events')",
                    "select 1 from {{ ref('events') }}"))
        .hasMessageStartingWith(
            "models/star/a.sql: strategy combine needs a '-- combine (t = ..., s = ...):' section");
    assertThatThrownBy(
            () ->
                model(
                    "models/star/a.sql",
                    "-- key: k\n"
                        + "-- strategy: combine\n"
                        + "-- reads: ref('events')\n"
                        + "-- combine:\n"
                        + "-- n = t.n + s.n",
                    "select 1 from {{ ref('events') }}"))
        .hasMessage(
            "models/star/a.sql line 5: expected the combine rules, one indented 'column ="
                + " expression' per line (as '--   events = t.events + s.events'), found '-- n ="
                + " t.n + s.n'");
    assertThatThrownBy(
            () ->
                model(
                    "models/star/a.sql",
                    "-- key: k\n-- key: j\n-- strategy: append\n-- reads: ref('events')",
                    "select 1"))
        .hasMessage("models/star/a.sql line 2: a second 'key:' field");
    assertThatThrownBy(() -> model("models/a.sql", "-- key: k", "select 1"))
        .hasMessageStartingWith("models/a.sql: a model file must be models/<layer>/<name>.sql");
  }

  @Test
  void wavesFollowTheRefsAndTheModelsOthersWaitForGoFirst() {
    List<ModelFile> models =
        List.of(table("c", "a", "b"), table("b", "a"), table("z", "events"), table("a", "events"));
    Models ordered = new Models(models, SOURCES);
    assertThat(names(ordered.waves()))
        .containsExactly(List.of("a", "z"), List.of("b"), List.of("c"));
    assertThat(ordered.tablesRead(ordered.get("c")))
        .as("what c waits for before it starts")
        .containsExactly("a", "b");
    assertThat(ordered.tablesRead(ordered.get("a"))).as("a source is not waited for").isEmpty();
  }

  @Test
  void aCycleOrAnUnknownRefFailsWithTheModelsInvolved() {
    assertThatThrownBy(
            () -> new Models(List.of(table("a", "c"), table("b", "a"), table("c", "b")), SOURCES))
        .hasMessage(
            "the models read each other in a cycle, a -> c -> b -> a (models/star/a.sql);"
                + " a model can only read models built before it");
    assertThatThrownBy(
            () -> new Models(List.of(table("a", "events"), table("b", "stg_evnts")), SOURCES))
        .hasMessage(
            "models/star/b.sql reads ref('stg_evnts'), which is neither a model of models/ [a, b]"
                + " nor a source [events]");
    ModelFile view =
        model(
            "models/staging/v.sql",
            "-- key: k\n-- strategy: view\n-- reads: ref('a')",
            "select * from {{ ref('a') }}");
    assertThatThrownBy(() -> new Models(List.of(table("a", "events"), view), SOURCES))
        .hasMessage(
            "models/staging/v.sql is a view but reads the table a; views may read only views and"
                + " sources");
  }

  @Test
  void macrosExpandToTheSqlTheyStandFor() {
    assertThat(
            Macros.expand(
                "select {{ rate(c, v) }} as r from {{ ref('stg_events') }}",
                n -> "lake.db." + n,
                "f.sql"))
        .isEqualTo(
            "select case when v = 0 then cast(null as double)"
                + " else cast(c as double) / cast(v as double) end as r from lake.db.stg_events");
    String money =
        Macros.expand(
            "{{ money(sum(purchase_revenue), concat('session, ', user_session)) }}",
            n -> n,
            "f.sql");
    assertThat(money)
        .as("arguments split at top-level commas only")
        .isEqualTo(Macros.money("sum(purchase_revenue)", "concat('session, ', user_session)"))
        .isEqualTo(
            "case when (sum(purchase_revenue)) is null or abs(sum(purchase_revenue)) >"
                + " 9999999999999999.99 then raise_error(concat('revenue of ', concat('session, ',"
                + " user_session), ' does not fit decimal(18,2) (at most 9999999999999999.99): ',"
                + " coalesce(cast((sum(purchase_revenue)) as string), 'overflow in the sum'), ';"
                + " prices are below 10^10, so this needs over a million purchases at the highest"
                + " price: check the input')) else cast(sum(purchase_revenue) as decimal(18,2))"
                + " end");
    assertThat(Macros.arguments("a, f(b, 'x,)'), 'it\\'s, ok'"))
        .containsExactly("a", "f(b, 'x,)')", "'it\\'s, ok'");
    assertThatThrownBy(() -> Macros.expand("{{ money(x) }}", n -> n, "models/star/f.sql"))
        .hasMessage(
            "models/star/f.sql: expected money(amount, what), found money with 1 arguments [x]");
    assertThatThrownBy(() -> Macros.expand("{{ ratio(a, b) }}", n -> n, "models/star/f.sql"))
        .hasMessage("models/star/f.sql: unknown macro ratio; expected ref, this, money or rate");
  }

  @Test
  void parametersAreSubstitutedAsLiteralsAndUnknownOnesFail() {
    Map<String, String> params =
        Map.of("batch_id", Macros.string("it's a \\ batch"), "full_refresh", "false");
    assertThat(
            Macros.substitute("where ${full_refresh} or batch_id = ${batch_id}", params, "f.sql"))
        .isEqualTo("where false or batch_id = 'it\\'s a \\\\ batch'");
    assertThatThrownBy(() -> Macros.substitute("select ${label}", params, "models/marts/m.sql"))
        .hasMessage(
            "models/marts/m.sql: unknown parameter ${label}; expected one of [batch_id,"
                + " full_refresh]");
  }
}
