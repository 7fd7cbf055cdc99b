using System.Data;
using System.Text;
using System.Text.Encodings.Web;
using Dapper;
using Microsoft.Data.Sqlite;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.List;

static class ListEntitiesSql
{
    /// <summary>
    /// The page and its total. Filters always apply to the current row (e); with a version the page shows the history
    /// row (v). A search starts from an index (s, rowid = id: entity_terms or entity_search), so matches come in id
    /// order. Past the first rows (<see cref="DirectBelow"/>) the page's ids are found first and only those rows are
    /// read: a deep page skips index entries, not rows. On SQLite's prepared path the rows come back as their JSON
    /// (<see cref="EntityRowsJson"/>, for the app's <paramref name="encoder"/>), otherwise as entities.
    /// </summary>
    public static async Task<(IReadOnlyList<Entity> Items, EntityRowsJson? Rows, long Total)> PageAsync(
        ReadConnection read, ListEntitiesQuery q, int page, int pageSize, JavaScriptEncoder? encoder)
    {
        var db = read.Connection;
        if (db.Kind() == DbKind.Postgres)
        {
            var (found, counted) = await PostgresPageAsync(db, q, page, pageSize);
            return (found, null, counted);
        }
        var args = new DynamicParameters();
        var words = SearchWords.Parse(q.SearchQuery);
        // Long words only: the vocabulary may answer with single tokens of entity_terms, or know there is no match.
        var (index, match) = ("entity_search", words.UsesIndex ? words.MatchExpression(q.HidesDeleted) : null);
        if (words.OnlyLong)
        {
            var (outcome, tokens) = await SearchTerms.LookUpAsync(db, words.Indexed, q.HidesDeleted);
            if (outcome == SearchTerms.Outcome.NoMatch) return (Array.Empty<Entity>(), null, 0);
            if (outcome == SearchTerms.Outcome.Tokens) (index, match) = ("entity_terms", tokens);
        }

        // With a word for the index, the index also knows the soft-deleted (sql/0010).
        var (filters, countable, isCollection, otherFilters) = Filters(q, args, q.HidesDeleted && !words.UsesIndex, DbKind.Sqlite);

        var search = new StringBuilder();
        if (match is not null)
        {
            search.Append($" AND s.{index} MATCH @match");
            args.Add("match", match);
        }
        for (var i = 0; i < words.Scanned.Count; i++)
        {
            // entity_folded keeps the folded text: a word the index leaves out needs no call into .NET per row either.
            search.Append($" AND (instr(f.label, @w{i}) > 0 OR instr(f.description, @w{i}) > 0)");
            args.Add($"w{i}", words.Scanned[i]);
        }
        if (q.Version is { } version) args.Add("version", version);

        // Where the ids come from: the index, the folded copies (only words the index leaves out), or the entities.
        var (texts, id) = words.UsesIndex
            ? (words.Scanned.Count > 0 ? $"{index} s JOIN entity_folded f ON f.id = s.rowid" : $"{index} s", "s.rowid")
            : words.IsEmpty ? ("", "e.id") : ("entity_folded f", "f.id");
        var orderColumn = ListEntitiesQuery.OrderColumns[q.OrderBy ?? "id"];
        // A search in another order than the ids reads each match's sort key: from an (id, key) index where one covers
        // it and no filter needs the row (sql/0010, sql/0014), not from the row itself.
        var lookup = texts.Length > 0 && filters.Length == 0 && q.Version is null && CoveringById.TryGetValue(q.OrderBy ?? "id", out var covering)
            ? $" INDEXED BY {covering}" : "";
        var from = texts.Length == 0 ? "FROM entities e" : $"FROM {texts} JOIN entities e{lookup} ON e.id = {id}";
        if (q.Version is not null) from += " JOIN entity_versions v ON v.id = e.id AND v.version = @version";
        var where = $"WHERE 1 = 1{search}{filters}";

        var direction = q.Direction;
        // The index hands its matches out by rowid, and the history index of a version is in id order: ordering by
        // the id where the rows come from lets a page stop after the page.
        if (q.Version is not null) id = "v.id";
        string OrderBy(string byId) => orderColumn == "e.id" ? $"{byId} {direction}" : $"{orderColumn} {direction}, {byId} {direction}";
        // The page size is written into the SQL, not bound: SQLite plans with a bound LIMIT's value and marks the
        // statement to be prepared again whenever it is bound anew, which a kept statement (ReadConnection) is at every
        // request. The size is a validated integer (1-100), so the page kinds stay a handful of texts.
        var limit = $"LIMIT {pageSize} OFFSET @offset";
        args.Add("offset", (long)(page - 1) * pageSize);

        // A search whose count is kept (sql/0013) reads it, and counts and keeps it below when it is not kept yet.
        var keepsCount = filters.Length == 0 && q.Version is null && SearchCounts.Applies(words, index);
        // The vocabulary's count (sql/0011) is kept only once it is large (SearchCounts.KeptFrom): counted here first.
        Func<Task<long>>? vocabularyCount = keepsCount && index == "entity_terms"
            ? () => ScalarAsync(read, $"SELECT COUNT(*) FROM {texts} WHERE 1 = 1{search}", args)
            : null;
        string count;
        if (keepsCount)
            count = SearchCounts.LookUpSql(SearchCounts.Key(words, args), q.HidesDeleted);
        else if (words.IsEmpty && countable && q.Version is null)
        {
            count = CounterSql(q, isCollection);
            args.Add("scope", q.ParentId ?? -1);
        }
        else if (words.IsEmpty && q.Version is null && DayCounts.Sql(q, args) is { } byDays)
            count = byDays;
        else if (words.IsEmpty && q.Version is not null && filters.Length == 0)
            count = "SELECT COALESCE((SELECT n FROM entity_version_counts WHERE version = @version), 0)";
        else if (!words.IsEmpty && filters.Length == 0 && q.Version is null)
            count = $"SELECT COUNT(*) FROM {texts} WHERE 1 = 1{search}";
        else
            count = $"SELECT COUNT(*) {from} {where}";

        // A date range's page in id order starts at the first id its days can hold (sql/0012).
        if (words.IsEmpty && q.Version is null && orderColumn == "e.id" && DayCounts.IdBound(q, args, direction == "DESC") is { } bound)
            where += bound;

        string select;
        SqliteTransaction? snapshot = null;
        if (q.Version is not null)
            select = $"SELECT v.* {from} {where} ORDER BY {OrderBy(id)} {limit}";
        else if (texts.Length == 0 && (long)(page - 1) * pageSize < DirectBelow)
            // A first page, or one near it, without a search: the rows straight away. Its ids first would build a
            // table of them and look each up again, a tenth of the first page's SQL; skipping a few hundred rows costs
            // less than that.
            select = $"SELECT {RowColumns} {from} {where} ORDER BY {OrderBy("e.id")} {limit}";
        else
        {
            // The page's ids from as few tables as its filters and order need (an index alone, often), then its rows.
            var idsFrom = texts.Length > 0 && filters.Length == 0 && orderColumn == "e.id" ? $"FROM {texts}" : from;
            var ids = $"SELECT {id} {idsFrom} {where} ORDER BY {OrderBy(id)} {limit}";
            // A search in another order, of many matches: its order's index walked (OrderWalk), when the total says
            // the walk meets the page's matches long before the index's plan would have read them all.
            if (OrderWalk.Applies(q, words, otherFilters))
            {
                var counted = await TotalAsync(read, count, args, keepsCount, words, q.HidesDeleted, vocabularyCount);
                var offset = (long)(page - 1) * pageSize;
                if (counted > 0 && OrderWalk.Worth(counted, await ScalarAsync(read, EverythingSql, new DynamicParameters()), offset + pageSize))
                {
                    // The walk and the page's rows in one read transaction: the rows are those of the walk's snapshot.
                    snapshot = ((SqliteConnection)db).BeginTransaction(deferred: true);
                    if (OrderWalk.TryIds(read, q, words, q.OrderBy!, pageSize, offset, snapshot: snapshot) is { } walked)
                    {
                        ids = OrderWalk.IdsSubquery;
                        args.Add("walked", walked);
                    }
                }
                // Counted once: the page's statement carries the total.
                (count, keepsCount) = ("SELECT @counted", false);
                args.Add("counted", counted);
            }
            select = $"""
                SELECT {RowColumns} FROM entities e WHERE e.id IN
                    ({ids})
                ORDER BY {OrderBy("e.id")}
                """;
        }
        using var _ = snapshot;
        long total = 0;
        SearchCounts.Kept? kept = null;
        IReadOnlyList<Entity> items = Array.Empty<Entity>();
        EntityRowsJson? json = null;
        var sql = $"{count};\n{select}";
        if (q.Version is null && read.Prepared(sql) is { } command && Bind(command, args))
        {
            command.Transaction = snapshot;
            // The connection's prepared statements (the same text is one per page kind), the rows read by hand, under
            // the connection's mutex taken once.
            using var held = HeldConnection.Take(command);
            using var reader = command.ExecuteReader();
            if (keepsCount)
                kept = reader.Read() ? new SearchCounts.Kept { Total = reader.GetInt64(0), Asked = reader.GetInt64(1), Newest = reader.GetInt64(2) } : null;
            else if (reader.Read()) total = reader.GetInt64(0);
            else throw new InvalidOperationException("The page's count gave no row");
            reader.NextResult();
            json = new EntityRowsJson(pageSize, encoder);
            try
            {
                while (reader.Read()) json.Add(reader);
            }
            catch
            {
                json.Dispose();
                throw;
            }
        }
        else
        {
            using var results = await db.QueryMultipleAsync(sql, args, snapshot);
            if (keepsCount) kept = await results.ReadFirstOrDefaultAsync<SearchCounts.Kept>();
            else total = await results.ReadSingleAsync<long>();
            items = q.Version is null
                ? (await results.ReadAsync<Entity>()).AsList()
                : (await results.ReadAsync<EntityVersion>()).Select(v => v.AsEntity()).ToList();
        }
        if (keepsCount) total = await KeptTotalAsync(db, kept, words, q.HidesDeleted, vocabularyCount);
        return (items, json, total);
    }

    /// <summary>A kept search count as read (or none yet): counted and kept when missing, its place in the asks moved on.</summary>
    static async Task<long> KeptTotalAsync(IDbConnection db, SearchCounts.Kept? kept, SearchWords words, bool hidesDeleted, Func<Task<long>>? vocabularyCount)
    {
        if (kept is null && vocabularyCount is not null && await vocabularyCount() is var counted && counted < SearchCounts.KeptFrom)
            return counted;
        if (kept is null) return await SearchCounts.CountAsync(db, words, hidesDeleted);
        await SearchCounts.AskedAsync(db, words, kept);
        return kept.Total;
    }

    /// <summary>The page's total on its own, by the page's count statement.</summary>
    static async Task<long> TotalAsync(ReadConnection read, string count, DynamicParameters args, bool keepsCount, SearchWords words, bool hidesDeleted, Func<Task<long>>? vocabularyCount) =>
        keepsCount
            ? await KeptTotalAsync(read.Connection, await read.Connection.QueryFirstOrDefaultAsync<SearchCounts.Kept>(count, args), words, hidesDeleted, vocabularyCount)
            : await ScalarAsync(read, count, args);

    /// <summary>One number, by the connection's kept statement for this text where it keeps them (SQLite), by Dapper otherwise.</summary>
    static async Task<long> ScalarAsync(ReadConnection read, string sql, DynamicParameters args) =>
        read.Prepared(sql) is { } command && Bind(command, args)
            ? (long)command.ExecuteScalar()!
            : await read.Connection.ExecuteScalarAsync<long>(sql, args);

    /// <summary>
    /// Rows skipped up to which a page without a search reads its rows in one statement; deeper pages find their ids
    /// first, from an index alone where one holds the order, so that the skipped rows are index entries, not rows
    /// (at 100,000 entities the two forms cost the same at about 1,000 rows skipped, and at 5,000 the ids first are
    /// a sixth cheaper).
    /// </summary>
    internal const long DirectBelow = 200;

    /// <summary>Every entity, from the trigger-kept counters (sql/0008).</summary>
    const string EverythingSql = "SELECT COALESCE(SUM(n), 0) FROM entity_counts WHERE scope = -1";

    static readonly string RowColumns = EntityTable.RowColumnsOf("e");

    /// <summary>The indexes that hold an order's key beside the id, for a search's lookups (sql/0010, sql/0014).</summary>
    static readonly IReadOnlyDictionary<string, string> CoveringById = new Dictionary<string, string>
    {
        ["label"] = "ix_entities_id_label",
        ["create_date"] = "ix_entities_id_create_date",
        ["added_date"] = "ix_entities_id_added_date",
    };

    /// <summary>
    /// The query's values on a prepared command, as Dapper would bind them; false for a value Dapper would expand or
    /// convert (none today: the page's values are numbers, text and flags), which then runs through Dapper.
    /// </summary>
    static bool Bind(SqliteCommand command, DynamicParameters args)
    {
        var values = (SqlMapper.IParameterLookup)args;
        foreach (var name in args.ParameterNames)
        {
            var value = values[name];
            if (value is not (null or string or long or int or bool or double)) return false;
            command.Parameters.AddWithValue("@" + name, value ?? DBNull.Value);
        }
        return true;
    }

    /// <summary>
    /// PostgreSQL: the same filters, order and pages, one plain statement each for the total and the page; the total
    /// from the counters of sql/postgres/0007 (a row per writing backend, summed, so that writers never queue on one)
    /// where they split by the page's filters, a count of the matching rows otherwise. Each search word must be a substring of
    /// the label or the description, both folded by PostgreSQL's lower() (sql/postgres/0004, the trigram indexes'
    /// expression), the word folded by the same lower(), so one rule decides both sides; LIKE's own characters are escaped.
    /// </summary>
    static async Task<(IReadOnlyList<Entity> Items, long Total)> PostgresPageAsync(IDbConnection db, ListEntitiesQuery q, int page, int pageSize)
    {
        var args = new DynamicParameters();
        var (filters, countable, isCollection, _) = Filters(q, args, q.HidesDeleted, DbKind.Postgres);
        var words = (q.SearchQuery ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        for (var i = 0; i < words.Count; i++)
        {
            // PostgreSQL's text cannot hold NUL, so no label has one: such a word matches nothing.
            if (words[i].Contains('\0')) { filters.Append(" AND FALSE"); continue; }
            filters.Append($" AND (lower(e.label) LIKE lower(@w{i}) OR lower(e.description) LIKE lower(@w{i}))");
            args.Add($"w{i}", "%" + LikeLiteral(words[i]) + "%");
        }
        var from = "FROM entities e";
        if (q.Version is { } version)
        {
            from += " JOIN entity_versions v ON v.id = e.id AND v.version = @version";
            args.Add("version", version);
        }
        var direction = q.Direction;
        // SQLite sorts NULL before every value; PostgreSQL after, unless told.
        var nulls = direction == "ASC" ? "NULLS FIRST" : "NULLS LAST";
        var column = PostgresOrderColumns[q.OrderBy ?? "id"];
        var byId = q.Version is null ? "e.id" : "v.id";
        var order = column == "e.id" ? $"{byId} {direction}" : $"{column} {direction} {nulls}, {byId} {direction}";
        args.Add("limit", pageSize);
        args.Add("offset", (long)(page - 1) * pageSize);
        var where = $"WHERE TRUE{filters}";
        // The counters of sql/postgres/0007 answer the pages they split by (SUM over bigint is numeric, hence the cast).
        var count = words.Count == 0 && countable && q.Version is null
            ? $"SELECT ({CounterSql(q, isCollection)})::bigint"
            : $"SELECT COUNT(*) {from} {where}";
        if (words.Count == 0 && countable && q.Version is null) args.Add("scope", q.ParentId ?? -1);
        // The page's ids first, from an index alone where one holds the order (an index-only scan), then only their
        // rows: a deep page skips index entries, not rows.
        var select = q.Version is null
            ? $"SELECT e.* FROM entities e WHERE e.id IN (SELECT e.id {from} {where} ORDER BY {order} LIMIT @limit OFFSET @offset) ORDER BY {order}"
            : $"SELECT v.* {from} {where} ORDER BY {order} LIMIT @limit OFFSET @offset";
        using var results = await db.QueryMultipleAsync($"{count};\n{select}", args);
        var total = await results.ReadSingleAsync<long>();
        IReadOnlyList<Entity> items = q.Version is null
            ? (await results.ReadAsync<Entity>()).AsList()
            : (await results.ReadAsync<EntityVersion>()).Select(v => v.AsEntity()).ToList();
        return (items, total);
    }

    /// <summary>order_by for PostgreSQL: label ignores case as SQLite's NOCASE does (ix_entities_label_nocase is on lower(label), id).</summary>
    static readonly IReadOnlyDictionary<string, string> PostgresOrderColumns = new Dictionary<string, string>
    {
        ["id"] = "e.id",
        ["added_date"] = "e.added_date",
        ["updated_date"] = "e.updated_date",
        ["create_date"] = "e.create_date",
        ["label"] = "lower(e.label)",
        ["file_size"] = "e.file_size",
    };

    /// <summary>A word taken literally inside a LIKE pattern (backslash is LIKE's escape character by default).</summary>
    static string LikeLiteral(string word) => word.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    /// <summary>
    /// The conditions on the current row (e), the same on both engines. Countable: only filters the counters of
    /// sql/0008 can answer (what a page of a collection, the top level or everything uses). Others: a filter but the
    /// soft-deleted one.
    /// </summary>
    static (StringBuilder Filters, bool Countable, bool? IsCollection, bool Others) Filters(ListEntitiesQuery q, DynamicParameters args, bool hideDeleted, DbKind kind)
    {
        var filters = new StringBuilder();
        var countable = true;
        if (q.ParentId is 0) filters.Append(" AND e.parent_id IS NULL");
        else if (q.ParentId is { } parent) { filters.Append(" AND e.parent_id = @parent"); args.Add("parent", parent); }
        bool? isCollection = q.IsCollection is not null && FormValues.TryBool(q.IsCollection, out var c) ? c : null;
        // SQLite binds a bool as 0/1 itself; PostgreSQL compares an integer column with an integer.
        if (isCollection is { } collection)
        {
            filters.Append(" AND e.is_collection = @isCollection");
            args.Add("isCollection", kind == DbKind.Sqlite ? collection : collection ? 1 : 0);
        }
        if (q.Type is { Length: > 0 }) { filters.Append(" AND e.type = @type"); args.Add("type", q.Type); }
        void Other(string condition, string name, object value)
        {
            filters.Append(condition);
            args.Add(name, value);
            countable = false;
        }
        if (q.MimeType is { Length: > 0 }) Other(" AND e.mime_type = @mime", "mime", q.MimeType);
        if (q.Md5 is { Length: > 0 }) Other(" AND e.md5 = @md5", "md5", q.Md5);
        if (q.CreatedAfter is { } after) Other(" AND e.create_date >= @after", "after", after);
        if (q.CreatedBefore is { } before) Other(" AND e.create_date <= @before", "before", before);
        if (q.Width is { } width) Other(" AND e.width = @width", "width", width);
        if (q.Height is { } height) Other(" AND e.height = @height", "height", height);
        if (q.FileSizeMin is { } sizeMin) Other(" AND e.file_size >= @sizeMin", "sizeMin", sizeMin);
        if (q.FileSizeMax is { } sizeMax) Other(" AND e.file_size <= @sizeMax", "sizeMax", sizeMax);
        if (q.DateFrom is { } dateFrom) Other(" AND e.added_date >= @dateFrom", "dateFrom", dateFrom);
        if (q.DateTo is { } dateTo) Other(" AND e.added_date <= @dateTo", "dateTo", dateTo);
        // Last, so that whether anything else filters is the length so far (OrderWalk walks only the soft-deleted rule).
        var others = filters.Length > 0;
        if (hideDeleted) filters.Append(" AND e.is_deleted = 0");
        return (filters, countable, isCollection, others);
    }

    /// <summary>total_items from the trigger-kept counters: a sum over a handful of rows instead of a count of the table.</summary>
    static string CounterSql(ListEntitiesQuery q, bool? isCollection)
    {
        var sql = new StringBuilder("SELECT COALESCE(SUM(n), 0) FROM entity_counts WHERE scope = @scope");
        if (q.HidesDeleted) sql.Append(" AND is_deleted = 0");
        if (isCollection is not null) sql.Append(" AND is_collection = @isCollection");
        if (q.Type is { Length: > 0 }) sql.Append(" AND type = @type");
        return sql.ToString();
    }
}
