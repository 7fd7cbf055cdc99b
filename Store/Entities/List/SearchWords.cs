using Store.Data;

namespace Store.Entities.List;

/// <summary>
/// The words of a search_query, folded like the indexed text (sql/0007): each must appear in the folded label or
/// the folded description. Words of three characters or more are phrases of the trigram index over the label and
/// description; words of one or two are single tokens of its grams column (sql/0010); the rare word with a
/// character the index leaves out (NUL, the grams column's markers) is checked with instr against the folded text.
/// A query of long words only is first looked up in the vocabulary (<see cref="SearchTerms"/>, sql/0011).
/// </summary>
public sealed record SearchWords(IReadOnlyList<string> Indexed, IReadOnlyList<string> Short, IReadOnlyList<string> Scanned)
{
    public bool IsEmpty => Indexed.Count == 0 && Short.Count == 0 && Scanned.Count == 0;

    /// <summary>Every word kept, whichever way it is answered.</summary>
    public IReadOnlyList<string> All => [.. Indexed, .. Short, .. Scanned];

    /// <summary>Whether the index answers some word, so that a MATCH expression exists to start from.</summary>
    public bool UsesIndex => Indexed.Count > 0 || Short.Count > 0;

    /// <summary>Only words of three characters or more, each answerable from the vocabulary (sql/0011).</summary>
    public bool OnlyLong => Indexed.Count > 0 && Short.Count == 0 && Scanned.Count == 0;

    public static SearchWords Parse(string? query)
    {
        var words = new List<string>();
        foreach (var word in (query ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            // As SQLite receives it: a lone surrogate reaches it as one replacement character, which is also how
            // EnumerateRunes reads it, so the words compare below as the index compares them.
            var folded = string.Concat(word.ToLowerInvariant().EnumerateRunes().Select(r => r.ToString()));
            if (!words.Contains(folded)) words.Add(folded);
        }
        var indexed = new List<string>();
        var shortWords = new List<string>();
        var scanned = new List<string>();
        foreach (var word in words)
        {
            // A word inside another word of the query is implied by it: where the longer one is, it is too
            // ("a" in "a beach" asks nothing more than "beach", and would cost a look at most of the library).
            if (words.Any(other => other.Length > word.Length && other.Contains(word, StringComparison.Ordinal))) continue;
            // Trigrams are of Unicode characters (an emoji is one, two UTF-16 units).
            var runes = word.EnumerateRunes().ToList();
            if (!runes.All(SearchGrams.Indexable)) scanned.Add(word);
            else (runes.Count >= 3 ? indexed : shortWords).Add(word);
        }
        return new SearchWords(indexed, shortWords, scanned);
    }

    /// <summary>
    /// The FTS5 query: every long word as a quoted phrase (its characters taken literally), every short word as its
    /// grams token, all required; with <paramref name="hideDeleted"/>, not the soft-deleted marker. A long word needs
    /// no column filter: every three characters of the grams column hold a marker, which an indexed word never does
    /// (and a column filter measured slower than the bare phrase on the SQLite the service bundles, 3.53).
    /// </summary>
    public string MatchExpression(bool hideDeleted)
    {
        var terms = Indexed.Select(Quoted)
            .Concat(Short.Select(w => "grams : " + Quoted(SearchGrams.Token(w))));
        var match = "(" + string.Join(" AND ", terms) + ")";
        return hideDeleted ? $"{match} NOT grams : {Quoted(SearchGrams.Deleted)}" : match;
    }

    /// <summary>The soft-deleted matches alone: the words and the marker (the marker's few entries lead the walk).</summary>
    public string DeletedMatchExpression() => $"{MatchExpression(false)} AND grams : {Quoted(SearchGrams.Deleted)}";

    static string Quoted(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";
}
