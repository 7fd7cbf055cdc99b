using System.Data;
using System.Text;
using Dapper;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.List;

static class ListEntitiesSql
{
    /// <summary>
    /// One command answers the page and its total. Filters always apply to the current row (e); with a version the
    /// page shows the history row (v). A search starts from the index (s, rowid = id), so matches come in id order.
    /// </summary>
    public static async Task<(IReadOnlyList<Entity> Items, long Total)> PageAsync(IDbConnection db, ListEntitiesQuery q, int page, int pageSize)
    {
        var args = new DynamicParameters();
        var filters = new StringBuilder();
        // Filters the counters of sql/0008 can answer: what a page of a collection, the top level or everything uses.
        var countable = true;

        if (q.HidesDeleted) filters.Append(" AND e.is_deleted = 0");
        if (q.ParentId is 0) filters.Append(" AND e.parent_id IS NULL");
        else if (q.ParentId is { } parent) { filters.Append(" AND e.parent_id = @parent"); args.Add("parent", parent); }
        bool? isCollection = q.IsCollection is not null && FormValues.TryBool(q.IsCollection, out var c) ? c : null;
        if (isCollection is { } collection) { filters.Append(" AND e.is_collection = @isCollection"); args.Add("isCollection", collection); }
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

        var words = SearchWords.Parse(q.SearchQuery);
        var search = new StringBuilder();
        if (words.Indexed.Count > 0)
        {
            search.Append(" AND s.entity_search MATCH @match");
            args.Add("match", words.MatchExpression());
        }
        for (var i = 0; i < words.Scanned.Count; i++)
        {
            // entity_folded keeps the folded text: a short word needs no call into .NET per row either.
            search.Append($" AND (instr(s.label, @w{i}) > 0 OR instr(s.description, @w{i}) > 0)");
            args.Add($"w{i}", words.Scanned[i]);
        }
        if (q.Version is { } version) args.Add("version", version);

        // A search with a word for the index starts from it; one of short words only reads the folded copies.
        var texts = words.Indexed.Count > 0 ? "entity_search" : "entity_folded";
        var from = words.IsEmpty ? "FROM entities e" : $"FROM {texts} s JOIN entities e ON e.id = s.rowid";
        if (q.Version is not null) from += " JOIN entity_versions v ON v.id = e.id AND v.version = @version";
        var where = $"WHERE 1 = 1{search}{filters}";

        var direction = q.Order?.Equals("desc", StringComparison.OrdinalIgnoreCase) == true ? "DESC" : "ASC";
        // The index hands its matches out by rowid, and the history index of a version is in id order: ordering by
        // the id where the rows come from lets a page stop after the page.
        var id = !words.IsEmpty ? "s.rowid" : q.Version is not null ? "v.id" : "e.id";
        var orderColumn = ListEntitiesQuery.OrderColumns[q.OrderBy ?? "id"];
        var orderBy = orderColumn == "e.id" ? $"{id} {direction}" : $"{orderColumn} {direction}, {id} {direction}";
        args.Add("limit", pageSize);
        args.Add("offset", (long)(page - 1) * pageSize);

        string count;
        if (words.IsEmpty && countable && q.Version is null)
        {
            count = CounterSql(q, isCollection);
            args.Add("scope", q.ParentId ?? -1);
        }
        else if (words.IsEmpty && q.Version is not null && filters.Length == 0)
            count = "SELECT COALESCE((SELECT n FROM entity_version_counts WHERE version = @version), 0)";
        else if (!words.IsEmpty && filters.Length == 0 && q.Version is null)
            count = $"SELECT COUNT(*) FROM {texts} s {where}";
        else
            count = $"SELECT COUNT(*) {from} {where}";

        var select = q.Version is null ? "e.*" : "v.*";
        var sql = $"{count};\nSELECT {select} {from} {where} ORDER BY {orderBy} LIMIT @limit OFFSET @offset";
        using var results = await db.QueryMultipleAsync(sql, args);
        var total = await results.ReadSingleAsync<long>();
        IReadOnlyList<Entity> items = q.Version is null
            ? (await results.ReadAsync<Entity>()).AsList()
            : (await results.ReadAsync<EntityVersion>()).Select(v => v.AsEntity()).ToList();
        return (items, total);
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
