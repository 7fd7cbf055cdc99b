using System.Net;
using System.Text.Json;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;
using Store.Tests.Media;
using static Store.Tests.Clients.ClientKit;

namespace Store.Tests.Clients;

/// <summary>
/// The Python SDK's ComputeClient pointed at &lt;store&gt;/compute: its file field, its options as separate form fields,
/// its task names, and what it reads of a finished job, run on the built-in worker.
/// </summary>
public sealed class ComputeClientTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static Task<StoreHost> StartAsync() => StoreHost.StartAsync(s => s with { BuiltinWorker = true });

    /// <summary>POST &lt;compute&gt;/jobs/{task} as the SDK does: the file as <c>file</c>, priority and each option as text fields.</summary>
    static async Task<JsonElement> SubmitAsync(StoreHost host, string task, byte[] file, string fileName, params (string Name, string Value)[] options)
    {
        var response = await host.Client.PostAsync($"/compute/jobs/{task}", Multipart([("file", file, fileName)], [("priority", "5"), .. options]), Ct);
        var created = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(task, created.Str("task_type"));
        Assert.Equal("pending", created.Str("status"));
        var finished = await host.WaitFinishedAsync(created.JobId());
        Assert.True(finished.Str("status") == "completed", finished.ToString());
        // What the SDK's JobResponse requires: integer progress and times, an object for params and task_output.
        Assert.Equal(100, finished.GetProperty("progress").GetInt32());
        Assert.Equal(JsonValueKind.Number, finished.GetProperty("created_at").ValueKind);
        Assert.Equal(JsonValueKind.Object, finished.GetProperty("params").ValueKind);
        Assert.Equal(JsonValueKind.Object, finished.GetProperty("task_output").ValueKind);
        Assert.Equal($"input/{fileName}", finished.GetProperty("params").GetProperty("input_path").GetString());
        return finished;
    }

    static async Task<byte[]> OutputAsync(StoreHost host, JsonElement job) =>
        await host.Client.GetByteArrayAsync($"/compute/jobs/{job.JobId()}/files/{job.GetProperty("params").GetProperty("output_path").GetString()}", Ct);

    [Fact]
    public async Task The_compute_url_answers_and_lists_the_sdk_task_names()
    {
        await using var host = await StartAsync();
        foreach (var url in new[] { "/compute", "/compute/" })
        {
            var root = await host.Client.GetOkAsync(url);
            Assert.Equal("healthy", root.Str("status"));
            Assert.Equal("v1", root.Str("version"));
            Assert.Equal("on", root.Str("guestMode"));
            Assert.False(root.GetProperty("auth_required").GetBoolean());
        }
        JsonElement caps = default;
        await JobKit.Eventually(async () => (caps = await host.Client.GetOkAsync("/compute/capabilities")).GetProperty("num_workers").GetInt32() == 1,
            60, () => caps.ToString());
        foreach (var task in new[] { "hash", "media_thumbnail", "media_hash", "image_thumbnail", "exif", "image_conversion" })
            Assert.Equal(1, caps.GetProperty("capabilities").GetProperty(task).GetInt32());
    }

    [Fact]
    public async Task Hash_runs_media_hash()
    {
        await using var host = await StartAsync();
        var bytes = TestMedia.Png(4);
        var job = await SubmitAsync(host, "hash", bytes, "photo.png");
        var file = Assert.Single(job.GetProperty("task_output").GetProperty("files").EnumerateArray());
        Assert.Equal(Md5(bytes), file.GetProperty("md5").GetString());
        Assert.Contains("md5", System.Text.Encoding.UTF8.GetString(await OutputAsync(host, job)));
    }

    [Fact]
    public async Task Exif_returns_the_tags_as_an_object()
    {
        await using var host = await StartAsync();
        var job = await SubmitAsync(host, "exif", TestMedia.Jpeg(5), "photo.jpg");
        Assert.NotEmpty(job.GetProperty("task_output").EnumerateObject());
    }

    [Theory]
    [InlineData("png", "image/png")]
    [InlineData("webp", "image/webp")]
    public async Task Image_conversion_takes_format_and_quality_as_fields_and_names_its_output_in_params(string format, string mime)
    {
        await using var host = await StartAsync();
        var job = await SubmitAsync(host, "image_conversion", TestMedia.Jpeg(6), "photo.jpg", ("format", format), ("quality", "90"));
        var parameters = job.GetProperty("params");
        Assert.Equal(format, parameters.GetProperty("format").GetString());
        Assert.Equal(90, parameters.GetProperty("quality").GetInt32());
        var output = await OutputAsync(host, job);
        using var image = SixLabors.ImageSharp.Image.Load(output);
        Assert.Equal(mime, SixLabors.ImageSharp.Image.DetectFormat(output).DefaultMimeType);
    }

    [Fact]
    public async Task Media_thumbnail_runs_image_thumbnail_with_width_and_height_as_fields()
    {
        await using var host = await StartAsync();
        var job = await SubmitAsync(host, "media_thumbnail", TestMedia.Png(7, 400, 200), "wide.png", ("width", "100"), ("height", "100"));
        Assert.Equal(100, job.GetProperty("params").GetProperty("width").GetInt32());
        using var image = SixLabors.ImageSharp.Image.Load(await OutputAsync(host, job));
        Assert.True(image.Width <= 100 && image.Height <= 100, $"{image.Width}x{image.Height}");
    }

    [Fact]
    public async Task A_params_object_wins_over_a_field_of_the_same_name_and_empty_fields_are_left_out()
    {
        await using var host = await StoreHost.StartAsync();
        var created = await Expect.StatusAsync(await host.Client.PostAsync("/compute/jobs/image_resize",
            Multipart([("upload_files", TestMedia.Png(8), "p.png")], ("params", """{"width": 10}"""), ("width", "20"), ("height", "30"),
                ("keep", "true"), ("name", "x"), ("none", "")), Ct), HttpStatusCode.Created);
        var parameters = created.GetProperty("params");
        Assert.Equal(10, parameters.GetProperty("width").GetInt32());
        Assert.Equal(30, parameters.GetProperty("height").GetInt32());
        Assert.True(parameters.GetProperty("keep").GetBoolean());
        Assert.Equal("x", parameters.GetProperty("name").GetString());
        Assert.False(parameters.TryGetProperty("none", out _));
    }
}
