using System.Globalization;
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
        foreach (var run in Runs(label, description))
        {
            text.Append(Gap);
            foreach (var rune in run.EnumerateRunes()) text.Append(rune.ToString()).Append(Gap);
        }
        if (deleted) text.Append(Deleted);
        return text.ToString();
    }

    /// <summary>
    /// The distinct runs of the folded label and description, in order of first appearance: the longest stretches
    /// of characters a word can hold. A word (never holding white space or a marker) is in the text exactly when it
    /// is inside one of them, which is what the vocabulary of sql/0011 rests on.
    /// </summary>
    public static List<string> Runs(string? label, string? description)
    {
        var runs = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var run = new StringBuilder();
        void Flush()
        {
            if (run.Length == 0) return;
            var r = run.ToString();
            run.Clear();
            if (seen.Add(r)) runs.Add(r);
        }
        foreach (var column in new[] { label, description })
        {
            if (column is null) continue;
            foreach (var rune in column.EnumerateRunes())
                if (Indexable(rune)) run.Append(rune.ToString());
                else Flush();
            Flush();
        }
        return runs;
    }

    /// <summary>search_runs(): the runs as a JSON array of strings, for json_each in the triggers of sql/0011.</summary>
    public static string RunsJson(string? label, string? description)
    {
        var json = new StringBuilder("[");
        foreach (var run in Runs(label, description))
        {
            if (json.Length > 1) json.Append(',');
            json.Append('"');
            foreach (var c in run)
                if (c is '"' or '\\') json.Append('\\').Append(c);
                else if (c < ' ') json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                else json.Append(c);
            json.Append('"');
        }
        return json.Append(']').ToString();
    }

    /// <summary>
    /// The token that stands for the vocabulary entry <paramref name="id"/> in entity_terms (sql/0011): U+0002 and
    /// two characters of the private use planes, so that no window of three characters across two codes, or into
    /// the soft-deleted marker, is a code. The SQL of sql/0011 writes the same: char(2, 983040 + (id >> 16), 983040 + (id &amp; 65535)).
    /// </summary>
    public static string TermCode(long id) =>
        "\u0002" + char.ConvertFromUtf32(0xF0000 + (int)(id >> 16)) + char.ConvertFromUtf32(0xF0000 + (int)(id & 0xFFFF));

    /// <summary>The token of a folded word of one or two indexable characters.</summary>
    public static string Token(string word)
    {
        var runes = word.EnumerateRunes().Select(r => r.ToString()).ToArray();
        return runes.Length == 1 ? $"{Gap}{runes[0]}{Gap}" : $"{runes[0]}{Gap}{runes[1]}";
    }
}
