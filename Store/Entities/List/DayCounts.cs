using Dapper;

namespace Store.Entities.List;

/// <summary>
/// total_items of a date range with no other filter (exclude_deleted aside) from the per-day counts of sql/0012:
/// the whole UTC days inside the range are a sum over at most one row per day and is_deleted, the two partial
/// days at its ends are counted in the date's index. Exact: a date falls in exactly one day.
/// </summary>
static class DayCounts
{
    const long Day = 86_400_000;

    /// <summary>Bounds past this (about 27,000 years from 1970) are counted the plain way: day arithmetic stays far from overflow.</summary>
    const long Sane = 1_000_000_000_000_000;

    /// <summary>The count's SQL with its arguments added, or null when the page has other filters.</summary>
    public static string? Sql(ListEntitiesQuery q, DynamicParameters args)
    {
        if (Range(q) is not { } r) return null;
        var deleted = q.HidesDeleted ? " AND is_deleted = 0" : "";
        var sql = $"SELECT (SELECT COALESCE(SUM(n), 0) FROM entity_day_counts WHERE field = {r.Field}{deleted}{r.Days})";
        foreach (var edge in r.Edges(q.HidesDeleted)) sql += $" + (SELECT COUNT(*) FROM entities e2 WHERE {edge})";
        r.AddTo(args);
        return sql;
    }

    /// <summary>
    /// A condition on the id that every match of the range meets, for a page in id order: the smallest (or, in
    /// descending order, largest) id its whole days have held and its partial days hold. The page then starts
    /// there instead of skipping every entry before its first match.
    /// </summary>
    public static string? IdBound(ListEntitiesQuery q, DynamicParameters args, bool descending)
    {
        if (Range(q) is not { } r) return null;
        var (pick, kept) = descending ? ("MAX", "max_id") : ("MIN", "min_id");
        var deleted = q.HidesDeleted ? " AND is_deleted = 0" : "";
        var bounds = new List<string> { $"SELECT {pick}({kept}) AS id FROM entity_day_counts WHERE field = {r.Field} AND n > 0{deleted}{r.Days}" };
        bounds.AddRange(r.Edges(q.HidesDeleted).Select(edge => $"SELECT {pick}(e2.id) FROM entities e2 WHERE {edge}"));
        r.AddTo(args);
        // No match anywhere leaves the bound NULL, and the page empty, as it is.
        return $" AND e.id {(descending ? "<=" : ">=")} (SELECT {pick}(id) FROM ({string.Join(" UNION ALL ", bounds)}))";
    }

    sealed record DayRange(int Field, string Column, long? From, long? To, long? First, long? End)
    {
        /// <summary>The whole days: [First, End).</summary>
        public string Days => (First is null ? "" : " AND day >= @dayFirst") + (End is null ? "" : " AND day < @dayEnd");

        /// <summary>The partial days at the ends, counted in the date's index.</summary>
        public IEnumerable<string> Edges(bool hideDeleted)
        {
            var deleted = hideDeleted ? " AND e2.is_deleted = 0" : "";
            if (First is not null) yield return $"e2.{Column} >= @dayFrom AND e2.{Column} < @dayFirst{deleted}";
            if (End is not null) yield return $"e2.{Column} >= @dayEnd AND e2.{Column} <= @dayTo{deleted}";
        }

        public void AddTo(DynamicParameters args)
        {
            if (First is not null) { args.Add("dayFirst", First); args.Add("dayFrom", From); }
            if (End is not null) { args.Add("dayEnd", End); args.Add("dayTo", To); }
        }
    }

    /// <summary>The range when the page is filtered by one date field and nothing else (exclude_deleted aside) and spans a whole day.</summary>
    static DayRange? Range(ListEntitiesQuery q)
    {
        if (q.ParentId is not null || q.IsCollection is not null || q.Type is { Length: > 0 } || q.MimeType is { Length: > 0 }
            || q.Md5 is { Length: > 0 } || q.Width is not null || q.Height is not null || q.FileSizeMin is not null || q.FileSizeMax is not null)
            return null;
        var added = q.DateFrom is not null || q.DateTo is not null;
        var created = q.CreatedAfter is not null || q.CreatedBefore is not null;
        if (added == created) return null;
        var (field, column, from, to) = added ? (0, "added_date", q.DateFrom, q.DateTo) : (1, "create_date", q.CreatedAfter, q.CreatedBefore);
        if (from is < -Sane or > Sane || to is < -Sane or > Sane) return null;

        // Whole days are [first, end): first is the start of the first day that begins at or after `from`, end the
        // start of the first day that does not end by `to`.
        long? first = from is { } f ? Floor(f + Day - 1) : null;
        long? end = to is { } t ? Floor(t + 1) : null;
        if (first is { } a && end is { } b && a >= b) return null;
        return new DayRange(field, column, from, to, first, end);
    }

    static long Floor(long ms) => ms - ((ms % Day) + Day) % Day;
}
