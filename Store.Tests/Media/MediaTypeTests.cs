using System.Net;
using System.Text.Json;
using Store.Tests.Infrastructure;

namespace Store.Tests.Media;

/// <summary>The type, size and duration come from the bytes; the name and Content-Type the client sends are ignored.</summary>
public sealed class MediaTypeTests(MediaHostFixture fixture) : IClassFixture<MediaHostFixture>
{
    public static TheoryData<string> Formats =>
    [
        "jpeg", "png", "gif", "webp", "tiff", "bmp", "heic", "mp4", "mov", "webm", "mkv", "mp3", "wav", "flac", "pdf", "text", "unknown",
    ];

    /// <summary>Each format: how to make it, and what the store must say about it.</summary>
    static async Task<(byte[] Bytes, string Mime, string Type, string Extension, (int W, int H)? Size, double? Duration)> Make(string format, int seed) => format switch
    {
        "jpeg" => (TestMedia.Jpeg(seed), "image/jpeg", "image", "jpg", (64, 48), null),
        "png" => (TestMedia.Png(seed), "image/png", "image", "png", (64, 48), null),
        "gif" => (TestMedia.Gif(seed), "image/gif", "image", "gif", (64, 48), null),
        "webp" => (TestMedia.Webp(seed), "image/webp", "image", "webp", (64, 48), null),
        "tiff" => (TestMedia.Tiff(seed), "image/tiff", "image", "tif", (64, 48), null),
        "bmp" => (TestMedia.Bmp(seed), "image/bmp", "image", "bmp", (64, 48), null),
        "heic" => (TestMedia.Heic(), "image/heic", "image", "heic", (96, 64), null),
        "mp4" => (await TestMedia.VideoAsync(seed, "mp4"), "video/mp4", "video", "mp4", (160, 120), 2),
        "mov" => (await TestMedia.VideoAsync(seed, "mov"), "video/quicktime", "video", "mov", (160, 120), 2),
        "webm" => (await TestMedia.VideoAsync(seed, "webm", "-c:v libvpx -deadline realtime"), "video/webm", "video", "webm", (160, 120), 2),
        "mkv" => (await TestMedia.VideoAsync(seed, "mkv"), "video/x-matroska", "video", "mkv", (160, 120), 2),
        "mp3" => (await TestMedia.SoundAsync(seed, "mp3"), "audio/mpeg", "audio", "mp3", null, 1.5),
        "wav" => (await TestMedia.SoundAsync(seed, "wav"), "audio/wav", "audio", "wav", null, 1.5),
        "flac" => (await TestMedia.SoundAsync(seed, "flac"), "audio/flac", "audio", "flac", null, 1.5),
        "pdf" => (Forms.Text($"%PDF-1.4\n1 0 obj <<>> endobj\n% seed {seed}\ntrailer <<>>\n%%EOF\n"), "application/pdf", "file", "pdf", null, null),
        "text" => (Forms.Text($"Shopping list {seed}\nmilk\nbread — fresh\n"), "text/plain", "text", "txt", null, null),
        "unknown" => ([0x00, 0x01, 0xFE, 0x42, 0x99, .. BitConverter.GetBytes(seed), 0x00, 0x17, 0xC3], "application/octet-stream", "file", "bin", null, null),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Type_comes_from_the_content_not_the_name(string format)
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = Array.IndexOf(Formats.Select(f => (string)f.Data).ToArray(), format) + 100;
        var (bytes, mime, type, extension, size, duration) = await Make(format, seed);

        // Every upload claims to be a JPEG photo: the store must not believe it.
        var response = await fixture.Host.Client.PostAsync("/entities",
            Forms.Entity(false, format, file: bytes, fileName: "holiday.jpg", contentType: "image/jpeg"), ct);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");

        Assert.Equal(mime, body.GetProperty("mime_type").GetString());
        Assert.Equal(type, body.GetProperty("type").GetString());
        Assert.Equal(extension, body.GetProperty("extension").GetString());
        Assert.Equal(bytes.Length, body.GetProperty("file_size").GetInt64());
        Assert.EndsWith($"/{body.GetProperty("md5").GetString()}.{extension}", body.GetProperty("file_path").GetString());
        Assert.Equal(type is "image" or "video" ? 128 : 32, body.GetProperty("md5").GetString()!.Length);

        if (size is { } s)
        {
            Assert.Equal(s.W, body.GetProperty("width").GetInt32());
            Assert.Equal(s.H, body.GetProperty("height").GetInt32());
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, body.GetProperty("width").ValueKind);
            Assert.Equal(JsonValueKind.Null, body.GetProperty("height").ValueKind);
        }

        if (duration is { } d) Assert.InRange(body.GetProperty("duration").GetDouble(), d - 0.1, d + 0.4);
        else Assert.Equal(JsonValueKind.Null, body.GetProperty("duration").ValueKind);
    }

    [Fact]
    public async Task A_text_file_named_like_a_photo_is_text()
    {
        var ct = TestContext.Current.CancellationToken;
        var response = await fixture.Host.Client.PostAsync("/entities",
            Forms.Entity(false, "notes", file: Forms.Text("not a picture at all\n"), fileName: "x.jpg", contentType: "image/jpeg"), ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("text", body.GetProperty("type").GetString());
        Assert.Equal("text/plain", body.GetProperty("mime_type").GetString());
    }

    [Theory]
    [InlineData("one picture, sent ten times")]   // ExifTool reads "pict" at the fifth byte as a QuickTime atom
    [InlineData("the wide road home")]            // "wide" at the fifth byte, a classic QuickTime opening
    [InlineData("the moov is on")]
    public async Task A_text_whose_fifth_bytes_name_a_movie_atom_is_still_text(string text)
    {
        var ct = TestContext.Current.CancellationToken;
        var response = await fixture.Host.Client.PostAsync("/entities", Forms.Entity(false, "atom-like", file: Forms.Text(text)), ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("text/plain", (await response.ReadJsonAsync()).GetProperty("mime_type").GetString());
    }

    /// <summary>Texts whose first letters spell a media magic number: the magic alone once made them 422s or sounds.</summary>
    [Theory]
    [InlineData("BMW is a car. (nice one)\n")]            // "BM" and '(' (40, a BITMAPINFOHEADER size) at byte 14
    [InlineData("ID3 tags are what mp3 players read\n")]
    [InlineData("RIFF 123WAVEfmt and data chunks\n")]
    [InlineData("RIFF 123WEBPVP8 is a picture format\n")]
    [InlineData("GIF89a is an old picture format\n")]
    [InlineData("fLaC is a lossless sound format\n")]
    [InlineData("OggS are the pages of an Ogg stream, said the notes\n")]
    [InlineData("one ftyp box opens an mp4, they say\n")]
    public async Task A_text_that_starts_like_a_media_magic_number_is_text(string text)
    {
        var ct = TestContext.Current.CancellationToken;
        var response = await fixture.Host.Client.PostAsync("/entities", Forms.Entity(false, "magic-like", file: Forms.Text(text)), ct);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");
        Assert.Equal("text/plain", body.GetProperty("mime_type").GetString());
        Assert.Equal("text", body.GetProperty("type").GetString());
        Assert.Equal("txt", body.GetProperty("extension").GetString());
    }

    [Fact]
    public async Task A_sound_only_mp4_is_audio()
    {
        var ct = TestContext.Current.CancellationToken;
        var m4a = await TestMedia.SoundAsync(7, "mp4", codecArgs: "-c:a aac");
        var response = await fixture.Host.Client.PostAsync("/entities", Forms.Entity(false, "tone", file: m4a), ct);
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("audio", body.GetProperty("type").GetString());
        Assert.Equal("m4a", body.GetProperty("extension").GetString());
        Assert.Equal(32, body.GetProperty("md5").GetString()!.Length);
    }

    [Fact]
    public async Task A_picture_too_large_to_decode_is_refused_without_decoding()
    {
        // 20000x20000 is 1.6 GB of RGBA in a file of 57 bytes: the header is read, the pixels never are.
        var png = HugePng(20000, 20000);
        var response = await fixture.Host.Client.PostAsync("/entities", Forms.Entity(false, "huge", file: png), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("20000x20000) is too large to decode", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    static byte[] HugePng(int width, int height)
    {
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", header), .. Chunk("IEND", [])];
    }

    static byte[] Chunk(string type, byte[] data)
    {
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        var chunk = new byte[8 + data.Length + 4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        typed.CopyTo(chunk, 4);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(typed));
        return chunk;
    }

    static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
