using Dapper;
using Microsoft.Data.Sqlite;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

namespace Store.Tests.Ops;

/// <summary>`store import` as a real process against a running store: nested collections, duplicates, failures, a re-run, Ctrl-C.</summary>
[Trait("speed", "slow")]
public sealed partial class ImportTests : IDisposable
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    readonly string _root = Path.Combine(Path.GetTempPath(), "store-tests", "import-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    void Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    static Task<(int ExitCode, string Out, string Err)> ImportAsync(StoreHost host, params string[] extra) =>
        StoreProcess.RunAsync(["import", .. extra, "--server", host.BaseAddress.ToString()], new Dictionary<string, string>());

    [System.Text.RegularExpressions.GeneratedRegex(@"import: [1-9]\d*/\d+ files, ")]
    private static partial System.Text.RegularExpressions.Regex FirstStored();

    static List<(long Id, bool IsCollection, string Label, long? ParentId)> Entities(StoreHost host)
    {
        SqliteConnection.ClearAllPools();
        using var db = new SqliteConnection($"Data Source={host.Settings.DatabasePath};Mode=ReadOnly;Pooling=false");
        return db.Query<(long, bool, string, long?)>("SELECT id, is_collection, label, parent_id FROM entities ORDER BY id").AsList();
    }

    [Fact]
    public async Task A_tree_comes_in_as_nested_collections_and_a_second_run_uploads_nothing_new()
    {
        var seed = Random.Shared.Next(1_000_000);
        Write("top.png", TestMedia.Png(seed));
        Write("Holidays/beach.jpg", TestMedia.Jpeg(seed + 1));
        Write("Holidays/2024/sunset.jpg", TestMedia.Jpeg(seed + 2));
        // The same pixels as this one in another format: the store says it has it (200) to the later one.
        Write("Holidays/2024/same-as-top.bmp", TestMedia.Bmp(seed));
        Write("Garden/2024/rose.jpg", TestMedia.Jpeg(seed + 3));
        Write("Garden/notes.txt", Forms.Text("not a photo: skipped"));
        Write(".hidden/secret.jpg", TestMedia.Jpeg(seed + 4));
        Write("Garden/empty.jpg", []);

        await using var host = await StoreHost.StartAsync(server: Server.Kestrel);
        var first = await ImportAsync(host, _root, "--collections", "--parallel", "1");
        Assert.True(first.ExitCode == 1, first.Out + first.Err);
        Assert.Contains("store import: 6 file(s)", first.Out);
        Assert.True(first.Out.Contains("4 new, 1 duplicate(s) (0 already in the store by MD5, not sent; 1 sent and found to be the same content as a stored item), 1 failed; collections: 4 created, 0 found again"), first.Out);
        Assert.Contains("failed: Garden/empty.jpg: 422 The uploaded file is empty", first.Out);
        // Not a terminal: plain lines, no escape codes.
        Assert.DoesNotContain("\u001b[", first.Out);

        var entities = Entities(host);
        long Collection(string label, long? parent) => Assert.Single(entities, e => e.IsCollection && e.Label == label && e.ParentId == parent).Id;
        var holidays = Collection("Holidays", null);
        var holidays2024 = Collection("2024", holidays);
        var garden = Collection("Garden", null);
        var garden2024 = Collection("2024", garden);
        Assert.Equal(holidays2024, Assert.Single(entities, e => e.Label == "same-as-top.bmp").ParentId);
        Assert.Equal(holidays, Assert.Single(entities, e => e.Label == "beach.jpg").ParentId);
        Assert.Equal(holidays2024, Assert.Single(entities, e => e.Label == "sunset.jpg").ParentId);
        Assert.Equal(garden2024, Assert.Single(entities, e => e.Label == "rose.jpg").ParentId);
        Assert.DoesNotContain(entities, e => e.Label is "notes.txt" or "secret.jpg" or "top.png");

        File.Delete(Path.Combine(_root, "Garden", "empty.jpg"));
        var second = await ImportAsync(host, _root, "--collections");
        Assert.True(second.ExitCode == 0, second.Out + second.Err);
        Assert.Contains("0 new, 5 duplicate(s) (4 already in the store by MD5, not sent; 1 sent and found to be the same content as a stored item), 0 failed; collections: 0 created, 4 found again", second.Out);
        Assert.Contains("nothing new: all 5 file(s) are already in the store", second.Out);
        Assert.Equal(entities, Entities(host));
    }

    const int Files = 250;

    [Fact]
    public async Task Ctrl_c_stops_cleanly_and_a_re_run_goes_on()
    {
        // Distinct pictures (TestMedia's seeds repeat past 255), enough of them that the import is still running when
        // its first progress line comes, after two seconds, even on an idle machine. The interrupt comes at the first
        // progress line that counts a stored picture, a state rather than a moment: on a loaded machine two seconds
        // may pass with nothing stored.
        for (var i = 0; i < Files; i++) Write($"many/{i:000}.png", TestMedia.Png(i, 640, 480));
        await using var host = await StoreHost.StartAsync(server: Server.Kestrel);

        await using (var import = StoreProcess.Start(["import", _root, "--server", host.BaseAddress.ToString(), "--parallel", "1"], new Dictionary<string, string>()))
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!FirstStored().IsMatch(import.StandardOutput))
            {
                Assert.False(import.HasExited || DateTime.UtcNow > deadline, import.StandardOutput + import.StandardError);
                await Task.Delay(50, Ct);
            }
            var code = await import.SignalAndWaitAsync("INT");
            Assert.True(code == 130, import.StandardOutput + import.StandardError);
            Assert.Contains("stopped with", import.StandardOutput);
            Assert.Contains("run the same command again to go on", import.StandardOutput);
        }
        var partial = Entities(host).Count;
        Assert.InRange(partial, 1, Files - 1);

        // An upload the store had fully received when the import stopped may still commit: the re-run finds it by MD5.
        var rest = await ImportAsync(host, _root);
        Assert.True(rest.ExitCode == 0, rest.Out + rest.Err);
        var summary = System.Text.RegularExpressions.Regex.Match(rest.Out, @"(\d+) new, (\d+) duplicate\(s\) \((\d+) already in the store by MD5");
        Assert.True(summary.Success, rest.Out);
        Assert.Equal(Files, int.Parse(summary.Groups[1].Value) + int.Parse(summary.Groups[2].Value));
        Assert.True(int.Parse(summary.Groups[3].Value) >= partial, rest.Out);
        Assert.Contains("0 failed", rest.Out);
        Assert.True(Entities(host).Count > partial);
        Assert.Contains("nothing new", (await ImportAsync(host, _root)).Out);
    }

    [Fact]
    public async Task On_a_terminal_it_draws_a_progress_bar()
    {
        Write("bar/one.png", TestMedia.Png(Random.Shared.Next()));
        await using var host = await StoreHost.StartAsync(server: Server.Kestrel);
        // script(1) gives the import a pseudo-terminal, as a person's shell would.
        var command = $"dotnet '{StoreProcess.StoreDll}' import '{_root}' --server {host.BaseAddress}";
        var info = new System.Diagnostics.ProcessStartInfo("script", ["-qec", command, "/dev/null"]) { RedirectStandardOutput = true, RedirectStandardInput = true };
        info.Environment["TERM"] = "xterm-256color";
        foreach (var (name, value) in StoreProcess.ShortRunJit) info.Environment[name] = value;
        using var script = System.Diagnostics.Process.Start(info)!;
        var output = await script.StandardOutput.ReadToEndAsync(Ct);
        await script.WaitForExitAsync(Ct);
        Assert.True(script.ExitCode == 0, output);
        Assert.Contains("\u001b[", output);
        Assert.Contains("100%", output);
        Assert.Contains("1/1 files", output);
        Assert.Contains("1 new", output);
    }

    [Fact]
    public async Task A_refused_token_stops_the_import_with_exit_code_4()
    {
        Write("one.jpg", TestMedia.Jpeg(Random.Shared.Next()));
        using var key = TestKey.Create();
        await using var host = await Auth.AuthHost.StartAsync(key, server: Server.Kestrel);
        var (code, output, error) = await StoreProcess.RunAsync(
            ["import", _root, "--server", host.BaseAddress.ToString(), "--token", key.Token(permissions: ["media_store_read"])], new Dictionary<string, string>());
        Assert.True(code == 4, output + error);
        Assert.Contains("403", error);
        Assert.Contains("media_store_write", error);
    }

    [Fact]
    public async Task An_unreachable_store_and_bad_arguments_are_named()
    {
        Directory.CreateDirectory(_root);
        var unreachable = await StoreProcess.RunAsync(["import", _root, "--server", $"http://127.0.0.1:{StoreProcess.FreePort()}"], new Dictionary<string, string>());
        Assert.Equal(3, unreachable.ExitCode);
        Assert.Contains("cannot reach", unreachable.Err);

        var noServer = await StoreProcess.RunAsync(["import", _root], new Dictionary<string, string>());
        Assert.Equal(2, noServer.ExitCode);
        Assert.Contains("--server", noServer.Err);
        var noFolder = await StoreProcess.RunAsync(["import", Path.Combine(_root, "nope"), "--server", "http://127.0.0.1:1"], new Dictionary<string, string>());
        Assert.Equal(2, noFolder.ExitCode);
        Assert.Contains("is not a folder", noFolder.Err);
    }
}
