using System.Security.Cryptography;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;
using Store.Tests.Media;

namespace Store.Tests.Worker;

/// <summary>
/// The in-process worker runs the built-in tasks on real images with nothing else started. The tests that only run
/// jobs of their own share one service and its worker; the one that stops its service, and the one with other
/// settings, start their own.
/// </summary>
[Trait("speed", "slow")]
public sealed class BuiltinWorkerTests(BuiltinWorkerTests.WorkerStore shared) : IClassFixture<BuiltinWorkerTests.WorkerStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static Task<StoreHost> StartAsync() => StoreHost.StartAsync(s => s with { BuiltinWorker = true });

    /// <summary>A service with its built-in worker on.</summary>
    public sealed class WorkerStore : SharedStore
    {
        protected override Task<StoreHost> StartAsync() => BuiltinWorkerTests.StartAsync();
    }

    static async Task<(JsonElement Job, byte[] Output)> RunAsync(StoreHost host, string task, string outputName, MultipartFormDataContent form)
    {
        var id = (await host.CreateAsync(task, form)).JobId();
        var job = await host.WaitFinishedAsync(id);
        Assert.True(job.Str("status") == "completed", job.ToString());
        Assert.Equal(100, job.GetProperty("progress").GetInt32());
        Assert.Equal("builtin", job.Str("worker_id"));
        var output = await host.Client.GetByteArrayAsync($"/compute/jobs/{id}/files/output/{outputName}", Ct);
        Assert.Equal(output.Length, job.File("output_files", outputName).GetProperty("size").GetInt64());
        return (job, output);
    }

    [Fact]
    public async Task It_counts_in_capabilities_and_stops_counting_when_the_service_stops()
    {
        var host = await StartAsync();
        try
        {
            JsonElement caps = default;
            await JobKit.Eventually(async () =>
                (caps = await (await host.Client.GetAsync("/compute/capabilities", Ct)).ReadJsonAsync()).GetProperty("num_workers").GetInt32() == 1,
                60, () => $"built-in worker not counted: {caps}");
            foreach (var task in new[] { "image_resize", "image_conversion", "image_thumbnail", "exif", "media_hash" })
                Assert.Equal(1, caps.GetProperty("capabilities").GetProperty(task).GetInt32());

            // Stopping the service stops the worker, which signs off: it is no longer counted, even within its TTL.
            await host.App.StopAsync(Ct);
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={host.Settings.DatabasePath}");
            await connection.OpenAsync(Ct);
            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM workers";
            Assert.Equal(0L, (long)(await count.ExecuteScalarAsync(Ct))!);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Image_resize_keeps_the_aspect_ratio_and_the_format()
    {
        var host = shared.Host;
        var (job, output) = await RunAsync(host, "image_resize", "wide.jpg",
            JobKit.Form("wide.jpg", TestMedia.Jpeg(903, 400, 200), ("params", """{"width": 100, "height": 100}""")));
        var info = Image.Identify(output);
        Assert.Equal((100, 50), (info.Width, info.Height));
        var described = job.GetProperty("task_output").GetProperty("files")[0];
        Assert.Equal(100, described.GetProperty("width").GetInt32());
        Assert.Equal(50, described.GetProperty("height").GetInt32());
        Assert.Equal("jpg", described.Str("format"));

        var (_, byHeight) = await RunAsync(host, "image_resize", "tall.png",
            JobKit.Form("tall.png", TestMedia.Png(911, 60, 120), ("params", """{"height": 30}""")));
        using var tall = Image.Load(byHeight, out var format);
        Assert.Equal((15, 30), (tall.Width, tall.Height));
        Assert.Equal(PngFormat.Instance, format);
    }

    [Theory]
    [InlineData("png", "photo.png")]
    [InlineData("webp", "photo.webp")]
    [InlineData("gif", "photo.gif")]
    [InlineData("bmp", "photo.bmp")]
    [InlineData("tiff", "photo.tiff")]
    [InlineData("jpeg", "photo_1.jpg")]
    public async Task Image_conversion_writes_the_asked_format(string format, string expectedName)
    {
        var host = shared.Host;
        // Two inputs: the second one named like the first shows outputs never overwrite each other.
        var form = JobKit.Form([("photo.jpg", TestMedia.Jpeg(904, 64, 48)), ("photo.jpg", TestMedia.Jpeg(901, 32, 24))],
            ("params", $$"""{"format": "{{format}}", "quality": 70}"""));
        var (job, output) = await RunAsync(host, "image_conversion", expectedName, form);
        using var image = Image.Load(output, out var detected);
        Assert.Equal(format == "jpeg" ? "JPEG" : format.ToUpperInvariant(), detected.Name.ToUpperInvariant());
        Assert.Equal(2, job.GetProperty("output_files").GetArrayLength());
        if (format == "webp") Assert.Equal(WebpFormat.Instance, detected);
    }

    [Fact]
    public async Task Image_thumbnail_bounds_the_longest_side_and_never_enlarges()
    {
        var host = shared.Host;
        var (_, big) = await RunAsync(host, "image_thumbnail", "big_thumb.jpg", JobKit.Form("big.jpg", TestMedia.Jpeg(905, 1024, 512)));
        var info = Image.Identify(big);
        Assert.Equal((256, 128), (info.Width, info.Height));

        var (_, small) = await RunAsync(host, "image_thumbnail", "small_thumb.png",
            JobKit.Form("small.png", TestMedia.Png(912, 40, 30), ("params", """{"size": 64, "format": "png"}""")));
        var smallInfo = Image.Identify(small);
        Assert.Equal((40, 30), (smallInfo.Width, smallInfo.Height));
    }

    [Fact]
    public async Task Exif_returns_exiftools_tags()
    {
        var host = shared.Host;
        var jpeg = TestMedia.Jpeg(902, 80, 60, exif: p =>
        {
            p.SetValue(ExifTag.Make, "StoreCam");
            p.SetValue(ExifTag.Model, "Model 7");
        });
        var (job, output) = await RunAsync(host, "exif", "exif.json", JobKit.Form("cam.jpg", jpeg));
        var file = job.GetProperty("task_output").GetProperty("files")[0];
        Assert.Equal("cam.jpg", file.Str("filename"));
        var tags = file.GetProperty("tags");
        Assert.Equal("StoreCam", tags.Str("EXIF:Make"));
        Assert.Equal("Model 7", tags.Str("EXIF:Model"));
        Assert.Equal(80, tags.GetProperty("File:ImageWidth").GetInt32());
        Assert.False(tags.TryGetProperty("SourceFile", out _));
        Assert.Equal("StoreCam", JsonDocument.Parse(output).RootElement[0].GetProperty("tags").Str("EXIF:Make"));
    }

    [Fact]
    public async Task Media_hash_gives_sha512_and_md5_of_each_file()
    {
        var host = shared.Host;
        var a = TestMedia.Jpeg(906, 30, 30);
        var b = Forms.Text("not an image at all");
        var (job, _) = await RunAsync(host, "media_hash", "hashes.json", JobKit.Form([("a.jpg", a), ("b.txt", b)]));
        var output = job.GetProperty("task_output");
        Assert.Contains("bytes", output.Str("note"));
        var files = output.GetProperty("files");
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(a)), files[0].Str("sha512"));
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(a)), files[0].Str("md5"));
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(b)), files[1].Str("sha512"));
        Assert.Equal(b.Length, files[1].GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Bad_params_and_undecodable_images_fail_the_job_with_a_reason()
    {
        var host = shared.Host;
        var noSize = (await host.CreateAsync("image_resize", JobKit.Form("a.jpg", TestMedia.Jpeg(907, 10, 10)))).JobId();
        var notImage = (await host.CreateAsync("image_thumbnail", JobKit.Form("fake.jpg", Forms.Text("hello")))).JobId();
        var badFormat = (await host.CreateAsync("image_conversion", JobKit.Form("a.jpg", TestMedia.Jpeg(908, 10, 10), ("params", """{"format":"psd"}""")))).JobId();

        Assert.Contains("width", (await host.WaitFinishedAsync(noSize)).Str("error_message"));
        var failed = await host.WaitFinishedAsync(notImage);
        Assert.Equal("failed", failed.Str("status"));
        Assert.Contains("fake.jpg", failed.Str("error_message"));
        Assert.Contains("format", (await host.WaitFinishedAsync(badFormat)).Str("error_message"));
    }

    [Fact]
    public async Task A_huge_canvas_fails_the_image_jobs_before_anything_is_decoded()
    {
        // 1600 megapixels (1.6 GB even as 8-bit grey) in about 200 KB: decoding it would take the service's memory, not the job's.
        var bomb = HugePng.Blank(40_000, 40_000);
        Assert.True(bomb.Length < 500_000, $"{bomb.Length} bytes");
        Assert.Equal(40_000, Image.Identify(bomb).Width);

        var host = shared.Host;
        foreach (var (task, parameters) in new[]
                 {
                     ("image_resize", """{"width": 100}"""), ("image_conversion", """{"format": "jpeg"}"""), ("image_thumbnail", "{}"),
                 })
        {
            var id = (await host.CreateAsync(task, JobKit.Form("bomb.png", bomb, ("params", parameters)))).JobId();
            var job = await host.WaitFinishedAsync(id);
            Assert.Equal("failed", job.Str("status"));
            Assert.Equal("bomb.png is too large to process: 40000x40000 pixels decode to 1600 MB, the limit is 1000 MB", job.Str("error_message"));
        }
    }

    [Fact]
    public async Task A_16_bit_canvas_counts_its_16_bits()
    {
        // 144 megapixels: under 250 at 8 bits a channel, but RGBA at 16 bits decodes to 8 bytes a pixel.
        var deep = HugePng.Blank(12_000, 12_000, deepRgba: true);
        var host = shared.Host;
        var id = (await host.CreateAsync("image_resize", JobKit.Form("deep.png", deep, ("params", """{"width": 100}""")))).JobId();
        var job = await host.WaitFinishedAsync(id);
        Assert.Equal("failed", job.Str("status"));
        Assert.Equal("deep.png is too large to process: 12000x12000 pixels decode to 1152 MB, the limit is 1000 MB", job.Str("error_message"));
    }

    [Fact]
    public async Task Every_frame_of_an_animation_counts()
    {
        // 25 megapixels (100 MB as RGBA) is fine once, not as 11 frames, each decoded at the full canvas.
        var host = shared.Host;
        var id = (await host.CreateAsync("image_thumbnail", JobKit.Form("anim.gif", TinyGif.Animated(5_000, 5_000, 11)))).JobId();
        var job = await host.WaitFinishedAsync(id);
        Assert.Equal("failed", job.Str("status"));
        Assert.Equal("anim.gif is too large to process: 5000x5000 pixels x 11 frames decode to 1100 MB, the limit is 1000 MB",
            job.Str("error_message"));
    }

    [Fact]
    public async Task It_reads_external_files_in_place()
    {
        var host = shared.Host;
        var media = Path.Combine(host.Settings.MediaDir, "store", "2026", "11", "25", "x.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(media)!);
        await System.IO.File.WriteAllBytesAsync(media, TestMedia.Jpeg(909, 200, 100), Ct);
        var (job, output) = await RunAsync(host, "image_resize", "x.jpg",
            JobKit.Form([], ("external_files", JsonSerializer.Serialize(new[] { new { path = media, metadata = new { entity_id = 7 } } })),
                ("params", """{"width": 50}""")));
        var input = job.File("input_files", "x.jpg");
        Assert.Equal("media/store/2026/11/25/x.jpg", input.Str("path"));
        Assert.Equal(7, input.GetProperty("metadata").GetProperty("entity_id").GetInt32());
        Assert.Equal(25, Image.Identify(output).Height);
        Assert.True(System.IO.File.Exists(media));
    }

    [Fact]
    public async Task It_reads_external_files_from_a_root_outside_the_server_folder()
    {
        var root = Directory.CreateTempSubdirectory("store-root-");
        try
        {
            await using var host = await StoreHost.StartAsync(s => s with { BuiltinWorker = true, JobExternalRoots = [root.FullName] });
            var path = Path.Combine(root.FullName, "y.jpg");
            await System.IO.File.WriteAllBytesAsync(path, TestMedia.Jpeg(910, 200, 100), Ct);
            var (job, output) = await RunAsync(host, "image_resize", "y.jpg",
                JobKit.Form([], ("external_files", JsonSerializer.Serialize(new[] { new { path } })), ("params", """{"height": 20}""")));
            Assert.Equal(path, job.File("input_files", "y.jpg").Str("path"));
            Assert.Equal(40, Image.Identify(output).Width);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
