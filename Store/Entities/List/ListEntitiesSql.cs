using System.Data;
using System.Text;
using Dapper;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.List;

static class ListEntitiesSql
{
    /// <summary>Filters always apply to the current row (e); with a version the page shows the history row (v).</summary>
    public static async Task<(IReadOnlyList<Entity> Items, long Total)> PageAsync(IDbConnection db, ListEntitiesQuery q, int page, int pageSize)
    {
        var where = new StringBuilder("WHERE 1 = 1");
        var args = new DynamicParameters();

        if (q.HidesDeleted) where.Append(" AND e.is_deleted = 0");
        if (q.ParentId is 0) where.Append(" AND e.parent_id IS NULL");
        else if (q.ParentId is { } parent) { where.Append(" AND e.parent_id = @parent"); args.Add("parent", parent); }
        if (q.IsCollection is not null && FormValues.TryBool(q.IsCollection, out var isCollection))
        { where.Append(" AND e.is_collection = @isCollection"); args.Add("isCollection", isCollection); }
        if (q.Type is { Length: > 0 }) { where.Append(" AND e.type = @type"); args.Add("type", q.Type); }
        if (q.MimeType is { Length: > 0 }) { where.Append(" AND e.mime_type = @mime"); args.Add("mime", q.MimeType); }
        if (q.Md5 is { Length: > 0 }) { where.Append(" AND e.md5 = @md5"); args.Add("md5", q.Md5); }
        if (q.CreatedAfter is { } after) { where.Append(" AND e.create_date >= @after"); args.Add("after", after); }
        if (q.CreatedBefore is { } before) { where.Append(" AND e.create_date <= @before"); args.Add("before", before); }
        if (q.Width is { } width) { where.Append(" AND e.width = @width"); args.Add("width", width); }
        if (q.Height is { } height) { where.Append(" AND e.height = @height"); args.Add("height", height); }
        if (q.FileSizeMin is { } sizeMin) { where.Append(" AND e.file_size >= @sizeMin"); args.Add("sizeMin", sizeMin); }
        if (q.FileSizeMax is { } sizeMax) { where.Append(" AND e.file_size <= @sizeMax"); args.Add("sizeMax", sizeMax); }
        if (q.DateFrom is { } dateFrom) { where.Append(" AND e.added_date >= @dateFrom"); args.Add("dateFrom", dateFrom); }
        if (q.DateTo is { } dateTo) { where.Append(" AND e.added_date <= @dateTo"); args.Add("dateTo", dateTo); }

        var words = (q.SearchQuery ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            // fold() is registered per connection (see Db) so that matching ignores case beyond ASCII.
            where.Append($" AND (instr(fold(e.label), @w{i}) > 0 OR instr(fold(e.description), @w{i}) > 0)");
            args.Add($"w{i}", words[i].ToLowerInvariant());
        }

        var from = "FROM entities e";
        var select = "e.*";
        if (q.Version is { } version)
        {
            from += " JOIN entity_versions v ON v.id = e.id AND v.version = @version";
            select = "v.*";
            args.Add("version", version);
        }

        var direction = q.Order?.Equals("desc", StringComparison.OrdinalIgnoreCase) == true ? "DESC" : "ASC";
        var orderColumn = ListEntitiesQuery.OrderColumns[q.OrderBy ?? "id"];
        var orderBy = orderColumn == "e.id" ? $"e.id {direction}" : $"{orderColumn} {direction}, e.id {direction}";
        args.Add("limit", pageSize);
        args.Add("offset", (long)(page - 1) * pageSize);

        var total = await db.ExecuteScalarAsync<long>($"SELECT COUNT(*) {from} {where}", args);
        var sql = $"SELECT {select} {from} {where} ORDER BY {orderBy} LIMIT @limit OFFSET @offset";
        IReadOnlyList<Entity> items = q.Version is null
            ? (await db.QueryAsync<Entity>(sql, args)).AsList()
            : (await db.QueryAsync<EntityVersion>(sql, args)).Select(v => v.AsEntity()).ToList();
        return (items, total);
    }
}
