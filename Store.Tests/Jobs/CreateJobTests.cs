using System.Net;
using System.Text.Json;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

/// <remarks>The refused creates share one service, which keeps no job folder (two of them check so).</remarks>
public sealed class CreateJobTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<string> Rejected(StoreHost host, string taskType, HttpContent? body)
    {
        var response = await host.Client.PostAsync($"/compute/jobs/{taskType}", body, Ct);
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {json}");
        return json.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task Every_input_error_answers_400_with_a_detail()
    {
        var host = shared.Host;
        var file = Forms.Text("x");

        Assert.Contains("input file", await Rejected(host, "image_resize", JobKit.Form([], ("priority", "5"))));
        Assert.Contains("input file", await Rejected(host, "image_resize", null));
        Assert.Contains("input file", await Rejected(host, "image_resize", JobKit.Form([], ("external_files", "[]"))));
        Assert.Contains("params", await Rejected(host, "image_resize", JobKit.Form("a.txt", file, ("params", "{broken"))));
        Assert.Contains("params", await Rejected(host, "image_resize", JobKit.Form("a.txt", file, ("params", "[1,2]"))));
        Assert.Contains("external_files", await Rejected(host, "image_resize", JobKit.Form("a.txt", file, ("external_files", "not json"))));
        Assert.Contains("external_files", await Rejected(host, "image_resize", JobKit.Form("a.txt", file, ("external_files", """[{"metadata":{}}]"""))));
        Assert.Contains("external_files", await Rejected(host, "image_resize", JobKit.Form("a.txt", file, ("external_files", """{"path":"/x"}"""))));
        foreach (var priority in new[] { "11", "-1", "abc", "5.5" })
            Assert.Contains("priority", await Rejected(host, "image_resize", JobKit.Form("a.txt", file, ("priority", priority))));
        foreach (var taskType in new[] { "Image_Resize", "image-resize", new string('a', 65), "t%C3%A4sk" })
            Assert.Contains("task_type", await Rejected(host, taskType, JobKit.Form("a.txt", file)));

        Assert.Equal(0, Directory.EnumerateDirectories(host.Settings.JobsDir).Count(d => !d.EndsWith(".tmp")));
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_answers_400_not_415()
    {
        var host = shared.Host;
        HttpContent?[] bodies =
        [
            new StringContent("""{"upload_files": [], "priority": 5}""", System.Text.Encoding.UTF8, "application/json"),
            new FormUrlEncodedContent([new("priority", "5"), new("params", "{}")]),
            new StringContent("hello", System.Text.Encoding.UTF8, "text/plain"),
            null,
        ];
        foreach (var body in bodies)
            Assert.Contains("input file", await Rejected(host, "image_resize", body));

        // The multipart body is still documented, for OpenAPI only.
        var doc = await (await host.Client.GetAsync("/openapi/v1.json", Ct)).ReadJsonAsync();
        var form = doc.GetProperty("paths").GetProperty("/compute/jobs/{task_type}").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        var name = form.Str("$ref")!.Split('/')[^1];
        var schema = doc.GetProperty("components").GetProperty("schemas").GetProperty(name);
        Assert.Equal("binary", schema.GetProperty("properties").GetProperty("upload_files").GetProperty("items").Str("format"));
    }

    [Fact]
    public async Task Claim_is_not_a_task_type_whatever_the_body()
    {
        var host = shared.Host;
        Assert.Contains("'claim' is reserved", await Rejected(host, "claim", JobKit.Form("a.txt", Forms.Text("x"))));
        Assert.Contains("'claim' is reserved", await Rejected(host, "claim", new StringContent("{}", System.Text.Encoding.UTF8, "text/plain")));
        Assert.Equal(0, Directory.EnumerateDirectories(host.Settings.JobsDir).Count(d => !d.EndsWith(".tmp")));

        // A JSON body still reaches the claim route.
        var claim = await host.Client.ClaimAsync("w1", ["claim"]);
        Assert.Equal(HttpStatusCode.NoContent, claim.StatusCode);
    }

    [Fact]
    public async Task Priority_defaults_to_5_and_params_to_an_empty_object()
    {
        await using var host = await StoreHost.StartAsync();
        var job = await host.CreateAsync("t", JobKit.Form("a.txt", Forms.Text("x")));
        Assert.Equal(5, job.GetProperty("priority").GetInt32());
        Assert.Equal(JsonValueKind.Object, job.GetProperty("params").ValueKind);
        Assert.Equal(0, job.GetProperty("priority").GetInt32() - 5);
        foreach (var edge in new[] { "0", "10" })
            Assert.Equal(int.Parse(edge), (await host.CreateAsync("t", JobKit.Form("a.txt", Forms.Text("x"), ("priority", edge)))).GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task Uploaded_names_lose_their_path_parts_and_never_collide()
    {
        await using var host = await StoreHost.StartAsync();
        var job = await host.CreateAsync("t", JobKit.Form([
            ("../../../etc/evil.txt", Forms.Text("1")),
            ("..\\..\\win.txt", Forms.Text("2")),
            ("/abs/olute.txt", Forms.Text("3")),
            ("dup.txt", Forms.Text("4")),
            ("dup.txt", Forms.Text("5")),
            ("..", Forms.Text("6")),
        ]));
        var id = job.JobId();
        var names = job.GetProperty("input_files").EnumerateArray().Select(f => f.Str("filename")).ToList();
        Assert.Equal(["evil.txt", "win.txt", "olute.txt", "dup.txt", "dup_1.txt", "file"], names);
        foreach (var f in job.GetProperty("input_files").EnumerateArray())
            Assert.Equal($"jobs/{id}/input/{f.Str("filename")}", f.Str("path"));
        Assert.Equal(6, Directory.GetFiles(Path.Combine(host.Settings.JobsDir, id, "input")).Length);
        Assert.False(System.IO.File.Exists(Path.Combine(host.Settings.ServerDir, "etc", "evil.txt")));
        Assert.Equal("5", await host.Client.GetStringAsync($"/compute/jobs/{id}/files/input/dup_1.txt", Ct));
    }

    static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    [Fact]
    public async Task External_files_must_be_readable_files_inside_the_media_folder_or_an_allowed_root()
    {
        var outside = Directory.CreateTempSubdirectory("store-outside-");
        var allowed = Directory.CreateTempSubdirectory("store-allowed-");
        try
        {
            await using var host = await StoreHost.StartAsync(s => s with { JobExternalRoots = [allowed.FullName] });
            var media = Path.Combine(host.Settings.MediaDir, "store", "photo.jpg");
            Directory.CreateDirectory(Path.GetDirectoryName(media)!);
            await System.IO.File.WriteAllTextAsync(media, "in media", Ct);
            var extra = Path.Combine(allowed.FullName, "extra.txt");
            await System.IO.File.WriteAllTextAsync(extra, "in allowed root", Ct);
            var secret = Path.Combine(outside.FullName, "secret.txt");
            await System.IO.File.WriteAllTextAsync(secret, "secret", Ct);
            // A link inside the media folder that leads out of it, and a ".." walk out of it.
            var link = Path.Combine(host.Settings.MediaDir, "store", "link-out");
            Directory.CreateSymbolicLink(link, outside.FullName);

            string External(string path) => JsonSerializer.Serialize(new[] { new { path, metadata = new { origin = "test" } } });

            Assert.Contains("outside", await Rejected(host, "t", JobKit.Form([], ("external_files", External(secret)))));
            Assert.Contains("outside", await Rejected(host, "t", JobKit.Form([], ("external_files", External(Path.Combine(link, "secret.txt"))))));
            Assert.Contains("outside", await Rejected(host, "t", JobKit.Form([], ("external_files", External(host.Settings.MediaDir + "/../media_store.db")))));
            Assert.Contains("not found", await Rejected(host, "t", JobKit.Form([], ("external_files", External(Path.Combine(host.Settings.MediaDir, "missing.jpg"))))));
            Assert.Contains("absolute", await Rejected(host, "t", JobKit.Form([], ("external_files", External("store/photo.jpg")))));
            // Not a regular file: it would fail (or, a fifo, hang) while being hashed. Tests run as root, whom a
            // chmod 000 does not stop, so unreadable permissions are not tested here.
            var folder = Path.Combine(host.Settings.MediaDir, "store", "a-folder");
            Directory.CreateDirectory(folder);
            Assert.Equal($"External file cannot be read: {folder}", await Rejected(host, "t", JobKit.Form([], ("external_files", External(folder)))));
            var fifo = Path.Combine(host.Settings.MediaDir, "store", "a-fifo");
            MakeFifo(fifo);
            Assert.Equal($"External file cannot be read: {fifo}", await Rejected(host, "t", JobKit.Form([], ("external_files", External(fifo)))));

            var job = await host.CreateAsync("t", JobKit.Form("up.txt", Forms.Text("upload"), ("external_files",
                JsonSerializer.Serialize(new object[] { new { path = media, metadata = new { origin = "test" } }, new { path = extra } }))));
            var photo = job.File("input_files", "photo.jpg");
            // Inside CL_SERVER_DIR (the media folder by default) the path is relative to it, as every job path is.
            Assert.Equal("media/store/photo.jpg", photo.Str("path"));
            Assert.Equal("test", photo.GetProperty("metadata").GetProperty("origin").GetString());
            Assert.Equal(8, photo.GetProperty("size").GetInt64());
            // An allowed root elsewhere has no path relative to CL_SERVER_DIR: absolute.
            Assert.Equal(extra, job.File("input_files", "extra.txt").Str("path"));
            // Referenced, not copied; still downloadable by a worker that has no access to the disk.
            Assert.False(System.IO.File.Exists(Path.Combine(host.Settings.JobsDir, job.JobId(), "input", "photo.jpg")));
            Assert.Equal("in media", await host.Client.GetStringAsync($"/compute/jobs/{job.JobId()}/files/input/photo.jpg", Ct));
            Assert.Equal("in allowed root", await host.Client.GetStringAsync($"/compute/jobs/{job.JobId()}/files/input/extra.txt", Ct));
        }
        finally
        {
            outside.Delete(recursive: true);
            allowed.Delete(recursive: true);
        }
    }
}
