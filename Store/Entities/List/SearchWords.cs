using System.Text;

namespace Store.Entities.List;

/// <summary>
/// The words of a search_query, folded like the indexed text (sql/0007): each must appear in the folded label or
/// the folded description. Words of three characters or more are phrases of the trigram index; shorter ones (and
/// the rare word with a NUL, which the tokenizer skips) are checked with instr against the folded text.
/// </summary>
public sealed record SearchWords(IReadOnlyList<string> Indexed, IReadOnlyList<string> Scanned)
{
    public bool IsEmpty => Indexed.Count == 0 && Scanned.Count == 0;

    public static SearchWords Parse(string? query)
    {
        var indexed = new List<string>();
        var scanned = new List<string>();
        foreach (var word in (query ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var folded = word.ToLowerInvariant();
            // Trigrams are of Unicode characters (an emoji is one, two UTF-16 units); a lone surrogate reaches
            // SQLite as one replacement character.
            (folded.EnumerateRunes().Count() >= 3 && !folded.Contains('\0') ? indexed : scanned).Add(folded);
        }
        return new SearchWords(indexed.Distinct().ToList(), scanned.Distinct().ToList());
    }

    /// <summary>The FTS5 query: every indexed word as a quoted phrase (its characters taken literally), all required.</summary>
    public string MatchExpression()
    {
        var match = new StringBuilder();
        foreach (var word in Indexed)
        {
            if (match.Length > 0) match.Append(" AND ");
            match.Append('"').Append(word.Replace("\"", "\"\"")).Append('"');
        }
        return match.ToString();
    }
}
