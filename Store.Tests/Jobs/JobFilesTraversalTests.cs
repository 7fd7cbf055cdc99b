using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Jobs;

/// <summary>GET /compute/jobs/{id}/files/{path} serves the job's listed files and nothing else.</summary>
/// <remarks>The path tricks share one service, each with a job of its own.</remarks>
public sealed class JobFilesTraversalTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    // HttpClient resolves plain "." and ".." segments itself; the encoded forms reach the server as sent.
    [InlineData("input/../../../media_store.db")]
    [InlineData("input/..%2F..%2F..%2Fmedia_store.db")]
    [InlineData("input/%2e%2e/%2e%2e/%2e%2e/media_store.db")]
    [InlineData("..%2F..%2Fmedia_store.db")]
    [InlineData("input/..\\..\\..\\media_store.db")]
    [InlineData("input/..%5C..%5C..%5Cmedia_store.db")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("input//etc/passwd")]
    [InlineData("input/%2Fetc%2Fpasswd")]
    [InlineData("input/")]
    [InlineData("input")]
    [InlineData("a.txt")]
    [InlineData("other/a.txt")]
    [InlineData("input/A.TXT")]
    public async Task Path_tricks_get_404(string path)
    {
        var host = shared.Host;
        var id = (await host.CreateAsync("t", JobKit.Form("a.txt", Forms.Text("mine")))).JobId();
        Assert.Equal("mine", await host.Client.GetStringAsync($"/compute/jobs/{id}/files/input/a.txt", Ct));

        var response = await host.Client.GetAsync($"/compute/jobs/{id}/files/{path}", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode} {body}");
        Assert.DoesNotContain("SQLite", body);
        Assert.DoesNotContain("root:", body);
    }

    [Fact]
    public async Task Another_jobs_files_and_unknown_jobs_are_not_reachable()
    {
        await using var host = await StoreHost.StartAsync();
        var first = (await host.CreateAsync("t", JobKit.Form("a.txt", Forms.Text("first")))).JobId();
        var second = (await host.CreateAsync("t", JobKit.Form("b.txt", Forms.Text("second")))).JobId();
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/compute/jobs/{first}/files/input/b.txt", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/compute/jobs/{first}/files/input/..%2F..%2F{second}%2Finput%2Fb.txt", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/compute/jobs/{Guid.NewGuid()}/files/input/a.txt", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/compute/jobs/..%2F..%2Fmedia_store.db/files/input/a.txt", Ct)).StatusCode);
    }

    [Fact]
    // The link points at the SQLite file, which a store on PostgreSQL does not have: there it would show nothing.
    [Trait("database", "sqlite-only")]
    public async Task A_listed_file_replaced_by_a_link_to_outside_is_not_served()
    {
        await using var host = await StoreHost.StartAsync();
        var id = (await host.CreateAsync("t", JobKit.Form("a.txt", Forms.Text("mine")))).JobId();
        var stored = Path.Combine(host.Settings.JobsDir, id, "input", "a.txt");
        System.IO.File.Delete(stored);
        System.IO.File.CreateSymbolicLink(stored, host.Settings.DatabasePath);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/compute/jobs/{id}/files/input/a.txt", Ct)).StatusCode);
    }

    [Fact]
    // The link points at the SQLite file, which a store on PostgreSQL does not have: there it would show nothing.
    [Trait("database", "sqlite-only")]
    public async Task An_external_file_whose_root_is_no_longer_allowed_is_not_served()
    {
        var root = Directory.CreateTempSubdirectory("store-root-");
        try
        {
            await using var host = await StoreHost.StartAsync(s => s with { JobExternalRoots = [root.FullName] });
            var target = Path.Combine(root.FullName, "x.txt");
            await System.IO.File.WriteAllTextAsync(target, "x", Ct);
            var id = (await host.CreateAsync("t", JobKit.Form([], ("external_files", $$"""[{"path": "{{target}}"}]""")))).JobId();
            // The file is swapped for a link to something outside the allowed roots after the job was made.
            System.IO.File.Delete(target);
            System.IO.File.CreateSymbolicLink(target, host.Settings.DatabasePath);
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/compute/jobs/{id}/files/input/x.txt", Ct)).StatusCode);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
