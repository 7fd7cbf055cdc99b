using System.Text;

namespace Store.Contracts;

/// <summary>
/// The rule for the names of job files, on both sides of the wire: the store names uploads and outputs by it, and a
/// worker names the inputs it downloads by it again, since it must not trust a name to stay inside its folder either.
/// </summary>
public static class FileNames
{
    /// <summary>
    /// The last path part of a client's file name (either slash), without control characters and lone surrogates;
    /// never empty, "." or "..". Clients cannot pick where a file lands.
    /// </summary>
    public static string CleanName(string? name)
    {
        var last = (name ?? "").Replace('\\', '/').Split('/').LastOrDefault() ?? "";
        var runes = new List<Rune>();
        for (var i = 0; i < last.Length; i += 1)
        {
            if (Rune.TryGetRuneAt(last, i, out var rune))
            {
                if (!Rune.IsControl(rune)) runes.Add(rune);
                if (rune.Utf16SequenceLength == 2) i++;
            }
        }
        var clean = Shorten(runes, MaxNameBytes).Trim();
        return clean is "" or "." or ".." ? "file" : clean;
    }

    /// <summary>
    /// Linux takes 255 bytes of UTF-8 in a name, not 255 characters ("é" is two bytes); this leaves room for
    /// UniqueName's "_N".
    /// </summary>
    const int MaxNameBytes = 240;

    /// <summary>The name's first and last runes (the end holds the extension) within <paramref name="maxBytes"/> of UTF-8.</summary>
    static string Shorten(List<Rune> runes, int maxBytes)
    {
        if (runes.Sum(r => r.Utf8SequenceLength) <= maxBytes) return string.Concat(runes.Select(r => r.ToString()));
        int head = 0, tail = runes.Count, used = 0;
        // Alternate ends so both the start and the extension survive.
        while (true)
        {
            var next = head <= runes.Count - tail ? runes[head] : runes[tail - 1];
            if (used + next.Utf8SequenceLength > maxBytes) break;
            used += next.Utf8SequenceLength;
            if (head <= runes.Count - tail) head++; else tail--;
        }
        return string.Concat(runes.Take(head).Concat(runes.Skip(tail)).Select(r => r.ToString()));
    }

    /// <summary>Adds <c>_1</c>, <c>_2</c> … before the extension until the name is not taken.</summary>
    public static string UniqueName(string name, ISet<string> taken)
    {
        var candidate = name;
        var stem = Path.GetFileNameWithoutExtension(name);
        var ext = Path.GetExtension(name);
        for (var i = 1; !taken.Add(candidate); i++) candidate = $"{stem}_{i}{ext}";
        return candidate;
    }
}
