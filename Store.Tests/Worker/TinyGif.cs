namespace Store.Tests.Worker;

/// <summary>
/// Writes an animated GIF whose frames are one pixel each on a canvas of any size: a few bytes a frame on disk,
/// while a decoder gives every frame the whole canvas. ImageSharp would need every canvas in memory to encode one.
/// </summary>
public static class TinyGif
{
    public static byte[] Animated(int width, int height, int frames)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        gif.Write([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8)]);
        gif.Write([0x80, 0, 0]); // a global colour table of 2 entries; background 0; no aspect ratio
        gif.Write([0, 0, 0, 255, 255, 255]);
        for (var i = 0; i < frames; i++)
        {
            gif.Write([0x21, 0xF9, 4, 0, 10, 0, 0, 0]); // graphic control: 0.1 s a frame
            gif.Write([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]); // a 1x1 image at the top left, no local colour table
            // LZW with 2-bit codes: clear (4), pixel 0, end (5), 3 bits each, least significant first.
            gif.Write([2, 2, 0x44, 0x01, 0]);
        }
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }
}
