using System.Buffers.Binary;
using System.Text;

namespace Store.Media;

/// <summary>A file type found from content: the MIME type, the entity's type and the extension without a dot.</summary>
public sealed record ContentType(string MimeType, string Type, string Extension)
{
    public static readonly ContentType Unknown = new("application/octet-stream", "file", "bin");
    public static readonly ContentType PlainText = new("text/plain", "text", "txt");

    public bool IsImage => Type == "image";
    public bool IsVideo => Type == "video";

    /// <summary>The entity type of a MIME type: its top-level part when it is one the store knows.</summary>
    public static string TypeOf(string mimeType) => mimeType.Split('/')[0] switch
    {
        "image" => "image",
        "video" => "video",
        "audio" => "audio",
        "text" => "text",
        _ => "file",
    };
}

/// <summary>
/// Recognises the common media formats from their first bytes (magic numbers and container
/// brands). Fast and exact for what it knows; anything else is left to ExifTool and then to the
/// plain-text check.
/// </summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeadLength = 4096;

    /// <summary>
    /// The format named by the head's magic number, or null. Real pictures, movies and sounds carry
    /// binary bytes (sizes, flags, NULs) in their first bytes: a head that reads as printable text
    /// ("BMW is a car. (nice one)", "ID3 tags …") is text whatever its first letters spell, except
    /// PDF, which may legitimately be all ASCII.
    /// </summary>
    public static ContentType? Sniff(ReadOnlySpan<byte> head, bool wholeFile = false)
    {
        var magic = Magic(head);
        if (magic is null || magic.MimeType == "application/pdf") return magic;
        return LooksLikeText(head, wholeFile) ? null : magic;
    }

    static ContentType? Magic(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((byte[])[0xFF, 0xD8, 0xFF])) return new("image/jpeg", "image", "jpg");
        if (head.StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return new("image/png", "image", "png");
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return new("image/gif", "image", "gif");
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8)) return new("image/tiff", "image", "tif");
        if (IsBmp(head)) return new("image/bmp", "image", "bmp");
        if (head.StartsWith("RIFF"u8) && head.Length >= 12)
        {
            var form = head.Slice(8, 4);
            if (form.SequenceEqual("WEBP"u8)) return new("image/webp", "image", "webp");
            if (form.SequenceEqual("WAVE"u8)) return new("audio/wav", "audio", "wav");
            if (form.SequenceEqual("AVI "u8)) return new("video/x-msvideo", "video", "avi");
        }
        if (IsFtyp(head)) return IsoMedia(head);
        if (head.StartsWith((byte[])[0x1A, 0x45, 0xDF, 0xA3])) return head.IndexOf("webm"u8) >= 0
            ? new("video/webm", "video", "webm")
            : new("video/x-matroska", "video", "mkv");
        if (IsClassicQuickTime(head)) return new("video/quicktime", "video", "mov");
        if (IsFlac(head)) return new("audio/flac", "audio", "flac");
        if (IsId3(head) || IsMpegAudioFrame(head)) return new("audio/mpeg", "audio", "mp3");
        if (IsOgg(head)) return Ogg(head);
        if (head.StartsWith("%PDF-"u8)) return new("application/pdf", "file", "pdf");
        return null;
    }

    /// <summary>
    /// BITMAPFILEHEADER: "BM", file size, two reserved words that are zero, pixel-data offset;
    /// then the DIB header's own size, one of the known versions. The offset lies past both headers.
    /// </summary>
    static bool IsBmp(ReadOnlySpan<byte> head)
    {
        if (!head.StartsWith("BM"u8) || head.Length < 18) return false;
        var fileSize = BinaryPrimitives.ReadUInt32LittleEndian(head[2..]);
        var reserved = BinaryPrimitives.ReadUInt32LittleEndian(head[6..]);
        var offset = BinaryPrimitives.ReadUInt32LittleEndian(head[10..]);
        var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(head[14..]);
        // Some writers leave the file size 0; when given it must reach past the headers.
        return reserved == 0
            && dibSize is 12 or 40 or 52 or 56 or 64 or 108 or 124
            && offset >= 14 + dibSize && (fileSize == 0 || fileSize >= offset);
    }

    /// <summary>An ftyp box: size 8 + major brand + minor version + whole compatible brands.</summary>
    static bool IsFtyp(ReadOnlySpan<byte> head)
    {
        if (head.Length < 16 || !head.Slice(4, 4).SequenceEqual("ftyp"u8)) return false;
        var size = BinaryPrimitives.ReadUInt32BigEndian(head);
        return size >= 16 && size % 4 == 0;
    }

    /// <summary>"fLaC" then the STREAMINFO block, which is always first and always 34 bytes long.</summary>
    static bool IsFlac(ReadOnlySpan<byte> head) =>
        head.Length >= 8 && head.StartsWith("fLaC"u8) && (head[4] & 0x7F) == 0 && head[5] == 0 && head[6] == 0 && head[7] == 34;

    /// <summary>An ID3v2 tag: major version 2 to 4, a revision that is not 0xFF, and a syncsafe size (7 bits a byte).</summary>
    static bool IsId3(ReadOnlySpan<byte> head) =>
        head.Length >= 10 && head.StartsWith("ID3"u8) && head[3] is >= 2 and <= 4 && head[4] != 0xFF
        && head[6] < 0x80 && head[7] < 0x80 && head[8] < 0x80 && head[9] < 0x80;

    /// <summary>An Ogg page: stream structure version 0 and only the three defined header-type flags.</summary>
    static bool IsOgg(ReadOnlySpan<byte> head) =>
        head.Length >= 27 && head.StartsWith("OggS"u8) && head[4] == 0 && head[5] <= 7;

    /// <summary>ISO base media files (MP4, MOV, HEIC, AVIF, M4A, 3GP) differ only by their brands.</summary>
    static ContentType IsoMedia(ReadOnlySpan<byte> head)
    {
        var boxSize = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(head), (uint)head.Length);
        var brands = new List<string> { Encoding.ASCII.GetString(head.Slice(8, 4)) };
        for (var at = 16; at + 4 <= boxSize; at += 4) brands.Add(Encoding.ASCII.GetString(head.Slice(at, 4)));
        bool Has(params string[] names) => brands.Any(names.Contains);

        var major = brands[0];
        if (major is "heic" or "heix" or "heim" or "heis" or "hevc" or "hevx") return new("image/heic", "image", "heic");
        if (major is "avif" or "avis") return new("image/avif", "image", "avif");
        if (major is "mif1" or "msf1") return Has("avif") ? new("image/avif", "image", "avif") : new("image/heif", "image", "heif");
        if (major == "qt  ") return new("video/quicktime", "video", "mov");
        if (major is "M4A " or "M4B ") return new("audio/mp4", "audio", "m4a");
        if (major.StartsWith("3g2")) return new("video/3gpp2", "video", "3g2");
        if (major.StartsWith("3gp")) return new("video/3gpp", "video", "3gp");
        if (major == "crx ") return new("image/x-canon-cr3", "image", "cr3");
        return new("video/mp4", "video", "mp4");
    }

    /// <summary>
    /// An old QuickTime file opens with a moov, mdat, wide or free atom. Its size field must be
    /// plausible too, or a text that happens to say "wide" at its fifth byte would pass for a movie.
    /// </summary>
    static bool IsClassicQuickTime(ReadOnlySpan<byte> head)
    {
        if (head.Length < 8) return false;
        var atom = head.Slice(4, 4);
        if (!(atom.SequenceEqual("moov"u8) || atom.SequenceEqual("mdat"u8) || atom.SequenceEqual("wide"u8) || atom.SequenceEqual("free"u8)))
            return false;
        var size = BinaryPrimitives.ReadUInt32BigEndian(head);
        return size == 1 || size is >= 8 and < 0x0900_0000;
    }

    static ContentType Ogg(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf("theora"u8) >= 0) return new("video/ogg", "video", "ogv");
        if (head.IndexOf("OpusHead"u8) >= 0) return new("audio/ogg", "audio", "opus");
        return new("audio/ogg", "audio", "ogg");
    }

    /// <summary>An MPEG-1/2 layer III frame header without an ID3 tag in front.</summary>
    static bool IsMpegAudioFrame(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 0xFF && (head[1] & 0xE6) == 0xE2 && (head[2] & 0xF0) != 0xF0 && (head[2] & 0x0C) != 0x0C;

    /// <summary>
    /// Text is valid UTF-8 (or UTF-16 with a byte-order mark) without control characters other
    /// than tab, newlines and form feed. Only the head is looked at, so a multi-byte character cut
    /// at its end is allowed.
    /// </summary>
    public static bool LooksLikeText(ReadOnlySpan<byte> head, bool wholeFile)
    {
        if (head.IsEmpty) return false;
        if (head.StartsWith((byte[])[0xFF, 0xFE]) || head.StartsWith((byte[])[0xFE, 0xFF])) return true;
        var decoder = new UTF8Encoding(false, true).GetDecoder();
        var chars = new char[head.Length + 1];
        int count;
        try { count = decoder.GetChars(head, chars, flush: wholeFile); }
        catch (DecoderFallbackException) { return false; }
        foreach (var c in chars.AsSpan(0, count))
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r' or '\f') && c != '\u001B') return false;
        return true;
    }
}
