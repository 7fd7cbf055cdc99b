using System.Data;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Store.Entities.List;

/// <summary>
/// total_items of the searches whose count is expensive, kept exact by the triggers of sql/0013: a query that the
/// vocabulary leaves to the phrases of entity_search (a word inside more than <see cref="SearchTerms.MaxEntries"/>
/// runs, or short words beside long ones) counts every match there, half a million for img_ in a library of a
/// million. Its first ask counts and keeps the count in search_counts; later asks read it.
/// </summary>
static class SearchCounts
{
    /// <summary>At most this many queries are kept: every write of an entity's text tests each of them.</summary>
    public const int MaxRows = 64;

    /// <summary>A kept count, and how recently it was asked (asked: the row's place in the order of asks, newest: the last place given).</summary>
    public sealed class Kept
    {
        public long Total { get; init; }
        public long Asked { get; init; }
        public long Newest { get; init; }
    }

    /// <summary>The words of a kept query, one a column of search_counts for the triggers (w1 to w4).</summary>
    public const int MaxWords = 4;

    /// <summary>
    /// Whether a search's count is kept: one (the caller checks it has no filter but exclude_deleted) counted in
    /// entity_search, or in entity_terms from <see cref="KeptFrom"/> matches on, every word answered by the index (a phrase, or a short word's grams token), at most
    /// <see cref="MaxWords"/>. Short words alone are kept too: one or two letters match much of the library (be: 12 ms
    /// to count at 1M, growing with it), and there are few such queries, the first keystrokes of a search box.
    /// </summary>
    public static bool Applies(SearchWords words, string index) =>
        index is "entity_search" or "entity_terms" && words.UsesIndex && words.Scanned.Count == 0
        && words.Indexed.Count + words.Short.Count <= MaxWords;

    /// <summary>
    /// A query the vocabulary answers (entity_terms) is counted there at about 0.04 µs a match, so its count is kept
    /// only from this many matches on (0.8 ms of counting), where it grows with the library (beach: 146,821 at 1M, 6 ms);
    /// below it the query is counted at each ask and never written, so most new queries (a search box's keystrokes)
    /// stay reads.
    /// </summary>
    public const long KeptFrom = 20_000;

    /// <summary>
    /// The query's key, the SQL that builds it (json_array of the words sorted, so that one query has one row whatever
    /// its words' order), with its parameters (@k0 ..., the words in that order) added to <paramref name="args"/>.
    /// </summary>
    public static string Key(SearchWords words, DynamicParameters args)
    {
        var sorted = Sorted(words);
        for (var i = 0; i < sorted.Count; i++) args.Add($"k{i}", sorted[i]);
        return $"json_array({string.Join(", ", sorted.Select((_, i) => $"@k{i}"))})";
    }

    static List<string> Sorted(SearchWords words) => words.Indexed.Concat(words.Short).Order(StringComparer.Ordinal).ToList();

    /// <summary>The statement of a page's total when the count may be kept: one row (<see cref="Kept"/>) when it is, none when not.</summary>
    public static string LookUpSql(string key, bool hideDeleted) =>
        $"SELECT {(hideDeleted ? "live" : "live + deleted")} AS Total, asked AS Asked, (SELECT MAX(asked) FROM search_counts) AS Newest FROM search_counts WHERE words = {key}";

    /// <summary>
    /// A query asked again: when half the kept rows were added since it was last asked, it moves to the newest place,
    /// so that the rows dropped are the least recently asked (within half the table) without a write at every ask.
    /// </summary>
    public static async Task AskedAsync(IDbConnection db, SearchWords words, Kept kept)
    {
        if (kept.Newest - kept.Asked < MaxRows / 2) return;
        var args = new DynamicParameters();
        var key = Key(words, args);
        args.Add("asked", kept.Asked);
        await TryKeepAsync(() => db.ExecuteAsync(
            $"UPDATE search_counts SET asked = (SELECT MAX(asked) + 1 FROM search_counts) WHERE words = {key} AND asked = @asked", args));
    }

    /// <summary>
    /// The first ask: counts the matches, the soft-deleted apart, and keeps the count, in one write transaction so that
    /// no write comes between the count and the row (from the commit on, the triggers keep it); the rows past
    /// <see cref="MaxRows"/> least recently asked are dropped. A count that cannot be kept is still answered.
    /// </summary>
    public static async Task<long> CountAsync(IDbConnection db, SearchWords words, bool hideDeleted)
    {
        var args = new DynamicParameters();
        var key = Key(words, args);
        var wordCount = Sorted(words).Count;
        args.Add("all", words.MatchExpression(false));
        args.Add("deleted", words.DeletedMatchExpression());
        SqliteTransaction transaction;
        try
        {
            // BEGIN IMMEDIATE: the write lock before the count, so that the count is of the rows the commit leaves.
            transaction = ((SqliteConnection)db).BeginTransaction(deferred: false);
        }
        catch (SqliteException e) when (Unkeepable(e))
        {
            var (all, deleted) = await CountBothAsync(null);
            return hideDeleted ? all - deleted : all;
        }
        using (transaction)
        {
            // Another request may have counted it meanwhile.
            var kept = (await db.QueryAsync<(long Live, long Deleted)>(
                $"SELECT live, deleted FROM search_counts WHERE words = {key}", args, transaction)).AsList();
            if (kept.Count > 0) return hideDeleted ? kept[0].Live : kept[0].Live + kept[0].Deleted;
            var (all, deleted) = await CountBothAsync(transaction);
            args.Add("live", all - deleted);
            args.Add("deletedCount", deleted);
            await TryKeepAsync(async () =>
            {
                await db.ExecuteAsync(
                    $"""
                    INSERT INTO search_counts (words, w1, w2, w3, w4, live, deleted, asked)
                    VALUES ({key}, {string.Join(", ", Enumerable.Range(0, MaxWords).Select(i => i < wordCount ? $"@k{i}" : "NULL"))},
                            @live, @deletedCount, (SELECT ifnull(MAX(asked), 0) + 1 FROM search_counts));
                    DELETE FROM search_counts WHERE id NOT IN (SELECT id FROM search_counts ORDER BY asked DESC LIMIT {MaxRows})
                    """, args, transaction);
                transaction.Commit();
            });
            return hideDeleted ? all - deleted : all;
        }

        async Task<(long All, long Deleted)> CountBothAsync(IDbTransaction? tx)
        {
            using var results = await db.QueryMultipleAsync(
                """
                SELECT COUNT(*) FROM entity_search s WHERE s.entity_search MATCH @all;
                SELECT COUNT(*) FROM entity_search s WHERE s.entity_search MATCH @deleted
                """, args, tx);
            return (await results.ReadSingleAsync<long>(), await results.ReadSingleAsync<long>());
        }
    }

    /// <summary>
    /// A write of the kept counts only spares later asks a count: a database busy past the timeout, full or read-only
    /// leaves the count unkept (the transaction, if any, rolled back) and the answer as it is.
    /// </summary>
    static async Task TryKeepAsync(Func<Task> write)
    {
        try { await write(); }
        catch (SqliteException e) when (Unkeepable(e)) { }
    }

    static bool Unkeepable(SqliteException e) => e.SqliteErrorCode is SqliteBusy or SqliteReadOnly or SqliteFull;

    const int SqliteBusy = 5, SqliteReadOnly = 8, SqliteFull = 13;
}
