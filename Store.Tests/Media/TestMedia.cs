using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Store.Tests.Media;

/// <summary>Real media made at test time: pictures with ImageSharp, videos and sound with ffmpeg, tags with ExifTool.</summary>
public static class TestMedia
{
    /// <summary>A picture whose pixels depend on <paramref name="seed"/>, so different seeds never collide.</summary>
    public static Image<Rgba32> Picture(int seed, int width = 64, int height = 48)
    {
        var image = new Image<Rgba32>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                    row[x] = new Rgba32((byte)(x * 4 + seed), (byte)(y * 5 + seed * 7), (byte)(seed * 13 + x ^ y), 255);
            }
        });
        return image;
    }

    public static byte[] Encode(int seed, IImageEncoder encoder, int width = 64, int height = 48)
    {
        using var image = Picture(seed, width, height);
        using var buffer = new MemoryStream();
        image.Save(buffer, encoder);
        return buffer.ToArray();
    }

    /// <summary>A JPEG of <see cref="Picture"/>; <paramref name="exif"/> fills an EXIF block written with it.</summary>
    public static byte[] Jpeg(int seed, int width = 64, int height = 48, Action<ExifProfile>? exif = null)
    {
        using var image = Picture(seed, width, height);
        if (exif is not null)
        {
            image.Metadata.ExifProfile = new ExifProfile();
            exif(image.Metadata.ExifProfile);
        }
        return Save(image, new JpegEncoder { Quality = 90 });
    }

    public static byte[] Png(int seed, int width = 64, int height = 48) => Encode(seed, new PngEncoder(), width, height);
    public static byte[] Bmp(int seed) => Encode(seed, new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel32 });
    public static byte[] Gif(int seed) => Encode(seed, new GifEncoder());
    public static byte[] Webp(int seed) => Encode(seed, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
    public static byte[] Tiff(int seed) => Encode(seed, new TiffEncoder());

    /// <summary>
    /// A 16-bit RGBA PNG of <see cref="Picture"/> whose low byte in every channel is <paramref name="low"/>:
    /// pictures that differ only in <paramref name="low"/> are the same picture at 8 bits.
    /// </summary>
    public static byte[] Png16(int seed, byte low)
    {
        using var narrow = Picture(seed);
        using var image = narrow.CloneAs<Rgba64>();
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
                foreach (ref var p in rows.GetRowSpan(y))
                    p = new Rgba64((ushort)(p.R & 0xFF00 | low), (ushort)(p.G & 0xFF00 | low), (ushort)(p.B & 0xFF00 | low), (ushort)(p.A & 0xFF00 | low));
        });
        return Save(image, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.RgbWithAlpha });
    }

    /// <summary><see cref="Picture"/> written as a 16-bit PNG without adding anything: every channel is its 8-bit value widened.</summary>
    public static byte[] Png16Widened(int seed)
    {
        using var narrow = Picture(seed);
        using var image = narrow.CloneAs<Rgba64>();
        return Save(image, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.RgbWithAlpha });
    }

    static byte[] Save(Image image, IImageEncoder encoder)
    {
        using var buffer = new MemoryStream();
        image.Save(buffer, encoder);
        return buffer.ToArray();
    }

    /// <summary>An HEIC photo (96x64, taken 2020-07-08 09:10:11 at -05:00) made once with heif-enc and ExifTool.</summary>
    public static byte[] Heic() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Media", "Fixtures", "sample.heic"));

    /// <summary>
    /// <paramref name="png"/> encoded by heif-enc (Debian's libheif-examples): HEIC with x265, or AVIF with aom.
    /// </summary>
    public static async Task<byte[]> HeifAsync(byte[] png, bool avif = false, int quality = 80)
    {
        var dir = TempDir();
        var source = Path.Combine(dir, "in.png");
        var output = Path.Combine(dir, avif ? "out.avif" : "out.heic");
        await File.WriteAllBytesAsync(source, png);
        await RunAsync("heif-enc", ["-q", quality.ToString(), .. (avif ? new[] { "-A" } : []), "-o", output, source]);
        return await ReadAndDeleteAsync(dir, output);
    }

    /// <summary>An animated WebP of solid frames in the given colours (ffmpeg's libwebp_anim), <paramref name="width"/>x<paramref name="height"/>.</summary>
    public static Task<byte[]> AnimatedWebpAsync(int width, int height, params string[] colours)
    {
        var inputs = string.Join(' ', colours.Select(c => $"-f lavfi -i color=c={c}:size={width}x{height}:rate=5:duration=0.2"));
        var concat = string.Concat(colours.Select((_, i) => $"[{i}:v]")) + $"concat=n={colours.Length}:v=1";
        return FfmpegAsync($"{inputs} -filter_complex {concat} -c:v libwebp_anim -lossless 1 -loop 0", "webp");
    }

    /// <summary>A 2 s test pattern whose hue depends on <paramref name="seed"/>, encoded by ffmpeg into <paramref name="extension"/>.</summary>
    public static Task<byte[]> VideoAsync(int seed, string extension, string codecArgs = "-c:v libx264 -pix_fmt yuv420p", string extra = "") =>
        FfmpegAsync($"-f lavfi -i testsrc2=size=160x120:rate=10,hue=h={seed * 37 % 360} -t 2 {codecArgs} {extra}", extension);

    /// <summary>A sine tone whose pitch depends on <paramref name="seed"/>.</summary>
    public static Task<byte[]> SoundAsync(int seed, string extension, double seconds = 1.5, string codecArgs = "") =>
        FfmpegAsync($"-f lavfi -i sine=frequency={300 + seed * 11}:duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} {codecArgs}", extension);

    public static async Task<byte[]> FfmpegAsync(string args, string extension)
    {
        var dir = TempDir();
        var output = Path.Combine(dir, "out." + extension);
        await RunAsync("ffmpeg", $"-hide_banner -loglevel error -y {args} {output}");
        return await ReadAndDeleteAsync(dir, output);
    }

    /// <summary>Remuxes or re-encodes <paramref name="input"/> with ffmpeg (e.g. "-c copy -metadata title=x").</summary>
    public static async Task<byte[]> TransformAsync(byte[] input, string inputExtension, string args, string outputExtension)
    {
        var dir = TempDir();
        var source = Path.Combine(dir, "in." + inputExtension);
        var output = Path.Combine(dir, "out." + outputExtension);
        await File.WriteAllBytesAsync(source, input);
        await RunAsync("ffmpeg", $"-hide_banner -loglevel error -y -i {source} {args} {output}");
        return await ReadAndDeleteAsync(dir, output);
    }

    /// <summary>Writes tags with ExifTool, e.g. "-DateTimeOriginal=2021:05:06 07:08:09".</summary>
    public static async Task<byte[]> WithTagsAsync(byte[] file, string extension, params string[] assignments)
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "file." + extension);
        await File.WriteAllBytesAsync(path, file);
        await RunAsync("exiftool", ["-q", "-overwrite_original", .. assignments, path]);
        return await ReadAndDeleteAsync(dir, path);
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "store-tests", "media-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    static async Task<byte[]> ReadAndDeleteAsync(string dir, string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        Directory.Delete(dir, recursive: true);
        return bytes;
    }

    static Task RunAsync(string tool, string args) => RunAsync(tool, args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    static async Task RunAsync(string tool, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {await stderr}");
    }
}
