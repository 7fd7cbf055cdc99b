using System.Text;

namespace Store.Data;

/// <summary>
/// The third column of the search index (sql/0010): what lets words of one or two characters, and the soft-deleted
/// flag, be answered by the trigram index itself. The folded label and description are cut into runs of
/// characters that a word can hold (no white space, none of the markers) and each distinct run is written with
/// <see cref="Gap"/> around and between its characters: "beach" becomes ␁b␁e␁a␁c␁h␁. Every trigram of that text is
/// then either ␁x␁ (the character x is there) or x␁y (x is followed by y), so a one- or two-character word is one
/// trigram token; ␁␁ between runs never starts a word's token. A soft-deleted entity also carries the token ␂␂␂.
/// </summary>
public static class SearchGrams
{
    public const char Gap = '\u0001';
    public const string Deleted = "\u0002\u0002\u0002";

    /// <summary>Whether a word's character can be looked up in the grams column (else the word is checked with instr).</summary>
    public static bool Indexable(Rune r) => !Rune.IsWhiteSpace(r) && r.Value is not (0 or Gap or '\u0002');

    /// <summary>The column's text for one entity, from its folded label and description.</summary>
    public static string Of(string? label, string? description, bool deleted)
    {
        var text = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var run = new StringBuilder();
        void Flush()
        {
            if (run.Length == 0) return;
            var r = run.ToString();
            run.Clear();
            if (!seen.Add(r)) return;
            text.Append(Gap);
            foreach (var rune in r.EnumerateRunes()) text.Append(rune.ToString()).Append(Gap);
        }
        foreach (var column in new[] { label, description })
        {
            if (column is null) continue;
            foreach (var rune in column.EnumerateRunes())
                if (Indexable(rune)) run.Append(rune.ToString());
                else Flush();
            Flush();
        }
        if (deleted) text.Append(Deleted);
        return text.ToString();
    }

    /// <summary>The token of a folded word of one or two indexable characters.</summary>
    public static string Token(string word)
    {
        var runes = word.EnumerateRunes().Select(r => r.ToString()).ToArray();
        return runes.Length == 1 ? $"{Gap}{runes[0]}{Gap}" : $"{runes[0]}{Gap}{runes[1]}";
    }
}
