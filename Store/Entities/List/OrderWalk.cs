using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Store.Data;

namespace Store.Entities.List;

/// <summary>
/// A search page in another order than the ids, found by walking that order's index and testing each entity's folded
/// text (entity_folded, the same substring rule the index answers: a word of the query inside the folded label or
/// description), so that the page stops after its last match. The plan from the search index has to read the key of
/// every match and sort them all: for a common word in a large library (beach: 146,821 of 1,000,000) that is most of a
/// request's time, while the walk finds 20 in a few hundred entries. For a rare word the walk would look at much of the
/// library, so it runs on a budget of time (SQLite's progress handler) and gives up when that is spent; the caller
/// then takes the index's plan. What the walk answers is exact either way: a prefix of the order holds the page's
/// matches, in order, whenever it finds them all.
/// </summary>
static class OrderWalk
{
    /// <summary>The index each order walks (sql/0001, sql/0008): its key, then the rowid, as the page's order is.</summary>
    static readonly IReadOnlyDictionary<string, string> Indexes = new Dictionary<string, string>
    {
        ["label"] = "ix_entities_label_nocase",
        ["added_date"] = "ix_entities_added_date",
        ["updated_date"] = "ix_entities_updated_date",
        ["create_date"] = "ix_entities_create_date",
        ["file_size"] = "ix_entities_file_size",
    };

    /// <summary>
    /// How long the walk may go on, checked by SQLite's progress handler every <see cref="StepsPerCall"/> steps of its
    /// virtual machine. Time rather than steps: a step that reads a page the cache does not hold costs many times one
    /// that does, and a walk through the camera names' region at 1M spent 120 ms on a budget of 200,000 steps. 4 ms is
    /// half of what the index's plan takes for a word in 0.7% of a million entities (README, "The hot reads").
    /// </summary>
    static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(4);
    const int StepsPerCall = 1_000;

    /// <summary>Whether a page may be walked: a search in a walkable order, with nothing else to filter on but the soft-deleted.</summary>
    public static bool Applies(ListEntitiesQuery q, SearchWords words, bool otherFilters) =>
        !words.IsEmpty && words.All.Count <= MaxWords && !otherFilters && q.Version is null && q.OrderBy is { } order && Indexes.ContainsKey(order);

    /// <summary>The walk's statement has a condition a word, and is kept prepared: a few word counts, a few texts.</summary>
    const int MaxWords = SearchCounts.MaxWords;

    /// <summary>
    /// Whether the walk is worth trying: matches spread evenly over the order put the page's last one about
    /// <paramref name="upTo"/> × everything / matches entries in, and the index's plan reads every match. The walk
    /// runs when that is at most a quarter of the matches (beach in the 1M library: about 140 entries against 146,821
    /// matches; soup, 6,844 matches, stays with the index's plan). The budget covers matches that crowd at one end.
    /// </summary>
    public static bool Worth(long matches, long everything, long upTo) =>
        matches > 0 && (double)upTo * everything * 4 <= (double)matches * matches;

    /// <summary>The page's ids as a JSON array (for json_each), or null when the budget ran out first.</summary>
    public static string? TryIds(ReadConnection read, ListEntitiesQuery q, SearchWords words, string orderBy, int pageSize, long offset, TimeSpan? budget = null, SqliteTransaction? snapshot = null)
    {
        if (read.Prepared(Sql(q, words, orderBy, pageSize)) is not { } command) return null;
        command.Transaction = snapshot;
        var all = words.All;
        for (var i = 0; i < all.Count; i++) command.Parameters.AddWithValue($"@w{i}", all[i]);
        command.Parameters.AddWithValue("@offset", offset);
        var handle = ((SqliteConnection)read.Connection).Handle!;
        var steps = new Steps(budget ?? Budget);
        raw.sqlite3_progress_handler(handle, StepsPerCall, Spend, steps);
        try
        {
            using var reader = command.ExecuteReader();
            var ids = new StringBuilder("[");
            while (reader.Read())
            {
                if (ids.Length > 1) ids.Append(',');
                ids.Append(new SqliteColumns(reader).Int64(0));
            }
            return ids.Append(']').ToString();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == raw.SQLITE_INTERRUPT && steps.Spent)
        {
            return null;
        }
        finally
        {
            raw.sqlite3_progress_handler(handle, 0, null, null);
        }
    }

    sealed class Steps(TimeSpan budget)
    {
        readonly long _until = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        public bool Spent { get; private set; }
        public int Check() => (Spent = Stopwatch.GetTimestamp() >= _until) ? 1 : 0;
    }

    static readonly delegate_progress Spend = state => ((Steps)state).Check();

    /// <summary>
    /// The walk: the order's index first (CROSS JOIN keeps it the outer loop), each entry's folded text beside it. The
    /// page size is written in, as the index's plan writes it (<see cref="ListEntitiesSql"/>).
    /// </summary>
    static string Sql(ListEntitiesQuery q, SearchWords words, string orderBy, int pageSize)
    {
        var direction = q.Direction;
        var count = words.All.Count;
        var sql = new StringBuilder($"SELECT e.id FROM entities e INDEXED BY {Indexes[orderBy]} CROSS JOIN entity_folded f ON f.id = e.id WHERE 1 = 1");
        if (q.HidesDeleted) sql.Append(" AND e.is_deleted = 0");
        for (var i = 0; i < count; i++) sql.Append($" AND (instr(f.label, @w{i}) > 0 OR instr(f.description, @w{i}) > 0)");
        sql.Append($" ORDER BY {ListEntitiesQuery.OrderColumns[orderBy]} {direction}, e.id {direction} LIMIT {pageSize} OFFSET @offset");
        return sql.ToString();
    }

    /// <summary>The rows of the walked ids, for the page's statement in place of its ids' subquery.</summary>
    public const string IdsSubquery = "SELECT value FROM json_each(@walked)";
}
