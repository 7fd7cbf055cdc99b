using System.Data;
using Dapper;
using Store.Data;

namespace Store.Entities.List;

/// <summary>
/// The vocabulary of sql/0011: each long word of a query is looked up among the distinct runs of folded text, and
/// when every word is inside a few of them the query is single tokens of entity_terms (an OR of a word's entries,
/// an AND of the words) instead of phrases of entity_search, which count a common word several times faster.
/// </summary>
static class SearchTerms
{
    /// <summary>
    /// Past this many entries (a fragment like "img" inside every camera file name) a word stays a phrase of
    /// entity_search: each token of an OR costs a look-up of its own.
    /// </summary>
    public const int MaxEntries = 128;

    /// <summary>What the vocabulary says about a query of long words.</summary>
    public enum Outcome { Tokens, NoMatch, Phrases }

    /// <summary>
    /// Each word's vocabulary entries, in one command. <see cref="Outcome.NoMatch"/> when some word is in no entry
    /// (no entity can match), <see cref="Outcome.Phrases"/> when some word is in more than <see cref="MaxEntries"/>.
    /// </summary>
    public static async Task<(Outcome Outcome, string? Match)> LookUpAsync(IDbConnection db, IReadOnlyList<string> words, bool hideDeleted)
    {
        var args = new DynamicParameters();
        var sql = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            sql.Add($"SELECT rowid FROM search_terms_index WHERE search_terms_index MATCH @w{i} LIMIT {MaxEntries + 1}");
            args.Add($"w{i}", "\"" + words[i].Replace("\"", "\"\"") + "\"");
        }
        var entries = new List<List<long>>();
        using (var results = await db.QueryMultipleAsync(string.Join(";\n", sql), args))
            foreach (var _ in words) entries.Add((await results.ReadAsync<long>()).AsList());
        if (entries.Any(e => e.Count == 0)) return (Outcome.NoMatch, null);
        if (entries.Any(e => e.Count > MaxEntries)) return (Outcome.Phrases, null);
        return (Outcome.Tokens, MatchExpression(entries, hideDeleted));
    }

    /// <summary>The FTS5 query over entity_terms: every word one of its entries' tokens, not the soft-deleted marker when asked.</summary>
    public static string MatchExpression(IEnumerable<IEnumerable<long>> entries, bool hideDeleted)
    {
        var match = string.Join(" AND ", entries.Select(e => "(" + string.Join(" OR ", e.Select(id => $"\"{SearchGrams.TermCode(id)}\"")) + ")"));
        return hideDeleted ? $"({match}) NOT \"{SearchGrams.Deleted}\"" : match;
    }
}
