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
