using System.Text;
using Store.Media;

namespace Store.Tests.Media;

public sealed class ContentSnifferTests
{
    static byte[] Ftyp(string major, params string[] compatible)
    {
        var brands = string.Concat(compatible);
        var box = new List<byte>();
        box.AddRange(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(16 + brands.Length)));
        box.AddRange(Encoding.ASCII.GetBytes("ftyp" + major + "\0\0\0\0" + brands));
        return [.. box, .. new byte[32]];
    }

    [Theory]
    [InlineData("heic", "mif1", "image/heic")]
    [InlineData("mif1", "heic", "image/heif")]
    [InlineData("avif", "mif1", "image/avif")]
    [InlineData("qt  ", "qt  ", "video/quicktime")]
    [InlineData("isom", "mp41", "video/mp4")]
    [InlineData("M4A ", "isom", "audio/mp4")]
    public void Iso_media_brands(string major, string compatible, string mime) =>
        Assert.Equal(mime, ContentSniffer.Sniff(Ftyp(major, compatible))!.MimeType);

    [Fact]
    public void Unknown_bytes_are_left_to_exiftool() => Assert.Null(ContentSniffer.Sniff([0x00, 0x01, 0x02, 0x03, 0x04]));

    /// <summary>Binary heads that carry a magic number but not the header fields that must follow it.</summary>
    public static TheoryData<string, byte[]> NearMisses => new()
    {
        { "bmp reserved bytes not zero", [.. "BM"u8.ToArray(), 0x46, 0, 0, 0, 1, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 8, 0] },
        { "bmp pixels inside the headers", [.. "BM"u8.ToArray(), 0x46, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 40, 0, 0, 0, 8, 0] },
        { "id3 version 9", [.. "ID3"u8.ToArray(), 9, 0, 0, 0, 0, 0x10, 0] },
        { "id3 size not syncsafe", [.. "ID3"u8.ToArray(), 3, 0, 0, 0, 0, 0x90, 0] },
        { "flac without streaminfo", [.. "fLaC"u8.ToArray(), 0, 0, 0, 0x10, 1, 2] },
        { "ogg version 1", [.. "OggS"u8.ToArray(), 1, 2, .. new byte[30]] },
        { "ftyp size not whole brands", [0, 0, 0, 0x13, .. "ftypisom"u8.ToArray(), 0, 0, 0, 0, 0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(NearMisses))]
    public void A_magic_number_without_its_header_is_not_that_format(string why, byte[] head) =>
        Assert.True(ContentSniffer.Sniff(head) is null, why);

    [Fact]
    public void A_text_head_is_never_binary_media_but_may_be_pdf()
    {
        Assert.Null(ContentSniffer.Sniff("BMW is a car. (nice one)"u8));
        Assert.Null(ContentSniffer.Sniff("ID3 tags, said the notes"u8));
        Assert.Equal("application/pdf", ContentSniffer.Sniff("%PDF-1.4 all ascii"u8)!.MimeType);
    }

    [Theory]
    [InlineData("plain words\nand lines\r\n", true)]
    [InlineData("naïve café ☕", true)]
    public void Text(string text, bool expected) => Assert.Equal(expected, ContentSniffer.LooksLikeText(Encoding.UTF8.GetBytes(text), true));

    [Fact]
    public void Binary_is_not_text()
    {
        Assert.False(ContentSniffer.LooksLikeText([0x41, 0x00, 0x42], true));
        Assert.False(ContentSniffer.LooksLikeText([0xC3, 0x28, 0x41], true));
        // A multi-byte character cut by the end of the head is still text.
        Assert.True(ContentSniffer.LooksLikeText([0x41, 0xE2, 0x98], wholeFile: false));
    }
}
