using Store.Data;

namespace Store.Entities.List;

/// <summary>
/// The words of a search_query, folded like the indexed text (sql/0007): each must appear in the folded label or
/// the folded description. Words of three characters or more are phrases of the trigram index over the label and
/// description; words of one or two are single tokens of its grams column (sql/0010); the rare word with a
/// character the index leaves out (NUL, the grams column's markers) is checked with instr against the folded text.
/// </summary>
public sealed record SearchWords(IReadOnlyList<string> Indexed, IReadOnlyList<string> Short, IReadOnlyList<string> Scanned)
{
    public bool IsEmpty => Indexed.Count == 0 && Short.Count == 0 && Scanned.Count == 0;

    /// <summary>Whether the index answers some word, so that a MATCH expression exists to start from.</summary>
    public bool UsesIndex => Indexed.Count > 0 || Short.Count > 0;

    public static SearchWords Parse(string? query)
    {
        var indexed = new List<string>();
        var shortWords = new List<string>();
        var scanned = new List<string>();
        foreach (var word in (query ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var folded = word.ToLowerInvariant();
            // Trigrams are of Unicode characters (an emoji is one, two UTF-16 units); a lone surrogate reaches
            // SQLite as one replacement character, which is how EnumerateRunes counts it too.
            var runes = folded.EnumerateRunes().ToList();
            if (!runes.All(SearchGrams.Indexable)) scanned.Add(folded);
            else (runes.Count >= 3 ? indexed : shortWords).Add(folded);
        }
        return new SearchWords(indexed.Distinct().ToList(), shortWords.Distinct().ToList(), scanned.Distinct().ToList());
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

    static string Quoted(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";
}
