using System.Net.Http.Json;
using System.Text.Json;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Integrity;

/// <summary>
/// A real store process killed with SIGKILL while uploads, replaces, deletes, job creations and completions run, at
/// many moments; after each restart the audit must find neither a file no row names nor a row without its file.
/// </summary>
[Trait("speed", "slow")]
[Trait("storage", "both")]
public sealed class KillTests : IDisposable
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    readonly string _dir = Path.Combine(Path.GetTempPath(), "store-tests", "kill-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task No_kill_leaves_an_orphan_or_a_row_without_its_file()
    {
        var random = new Random(12);
        var totals = new Dictionary<string, int>();
        // With STORE_TEST_STORAGE=s3 the stored files and previews are in a bucket; the audit judges its keys.
        var env = await S3Server.SelectedVariablesAsync();
        env["CL_SERVER_DIR"] = _dir;
        for (var round = 0; round < 14; round++)
        {
            var port = StoreProcess.FreePort();
            var address = new Uri($"http://127.0.0.1:{port}");
            var store = StoreProcess.Start(["--host", "127.0.0.1", "--port", port.ToString(), "--no-auth", "--no-builtin-worker"], env);
            await store.WaitUntilHealthyAsync(address);
            await AssertConsistentAsync(address, round);

            using var stop = new CancellationTokenSource();
            using var answers = new Answers();
            var workers = Enumerable.Range(0, 4).Select(w => Workload(address, $"{round}-{w}", totals, answers, stop.Token)).ToList();
            // Spread over the first moments of the load (first uploads, mid-stream, commits, purges) and well into it:
            // the kill comes after a number of answers, then somewhere inside the requests under way. Counted, not
            // timed, so that the same moments come on an idle machine, a loaded one, and a bucket (whose first puts
            // are slow: the SDK's code is compiled on first use, and s3rver is no fast server).
            await answers.WaitForAsync(random.Next(0, MaxAnswersBeforeKill), TimeSpan.FromMinutes(2));
            await Task.Delay(random.Next(0, 100), Ct);
            await store.DisposeAsync();  // SIGKILL
            stop.Cancel();
            await Task.WhenAll(workers);
        }

        var last = StoreProcess.FreePort();
        await using var final = StoreProcess.Start(["--host", "127.0.0.1", "--port", last.ToString(), "--no-auth", "--no-builtin-worker"], env);
        var finalAddress = new Uri($"http://127.0.0.1:{last}");
        await final.WaitUntilHealthyAsync(finalAddress);
        await AssertConsistentAsync(finalAddress, -1);
        TestContext.Current.TestOutputHelper?.WriteLine("answered before the kills: " + string.Join(", ", totals));
        Assert.True(totals.GetValueOrDefault("create") > 10, string.Join(", ", totals));
        Assert.True(totals.GetValueOrDefault("job") > 3, string.Join(", ", totals));
    }

    /// <summary>About what four workers get through in 2.5 s on the idle 2-core machine (the window of kills before).</summary>
    const int MaxAnswersBeforeKill = 200;

    /// <summary>Counts the answers the workers get, of any status, and lets the test wait for a number of them.</summary>
    sealed class Answers : DelegatingHandler
    {
        int _count;

        public Answers() : base(new SocketsHttpHandler()) { }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Interlocked.Increment(ref _count);
            return response;
        }

        /// <summary>Waits for <paramref name="count"/> answers, or at most <paramref name="limit"/>: a store that stalls is killed as it stands.</summary>
        public async Task WaitForAsync(int count, TimeSpan limit)
        {
            var deadline = DateTime.UtcNow + limit;
            while (Volatile.Read(ref _count) < count && DateTime.UtcNow < deadline) await Task.Delay(5, Ct);
        }
    }

    async Task AssertConsistentAsync(Uri address, int round)
    {
        using var client = new HttpClient { BaseAddress = address };
        var report = await client.GetOkAsync("/system/audit");
        Assert.True(report.GetProperty("orphaned_files").GetArrayLength() == 0, $"after kill {round}: {report}");
        Assert.True(report.GetProperty("missing_files").GetArrayLength() == 0, $"after kill {round}: {report}");
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, ".pending")));
    }

    /// <summary>Mixed writes until the store dies; every answer is ignored, as a client cut off would.</summary>
    static async Task Workload(Uri address, string name, Dictionary<string, int> totals, Answers answers, CancellationToken stop)
    {
        using var client = new HttpClient(answers, disposeHandler: false) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(20) };
        void Count(string what) { lock (totals) totals[what] = totals.GetValueOrDefault(what) + 1; }
        var n = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                n++;
                var body = Forms.Text($"{name} {n} " + new string('x', 64 * 1024 * (n % 4)));
                var created = await client.PostAsync("/entities", Forms.Entity(false, "k", file: body, fileName: "k.txt"), stop);
                if (!created.IsSuccessStatusCode) continue;
                Count("create");
                var id = (await created.ReadJsonAsync()).Id();
                if (n % 2 == 0 && (await client.PutAsync($"/entities/{id}", Forms.Entity(false, "r", file: Forms.Text($"{name} {n} replaced"), fileName: "r.txt"), stop)).IsSuccessStatusCode)
                    Count("replace");
                if (n % 3 == 0 && (await client.DeleteAsync($"/entities/{id}", stop)).IsSuccessStatusCode) Count("delete");

                var job = await client.PostAsync("/compute/jobs/exif",
                    JobKit.Form([("a.txt", Forms.Text($"{name} {n} a")), ("b.txt", Forms.Text($"{name} {n} b"))]), stop);
                if (!job.IsSuccessStatusCode) continue;
                Count("job");
                var jobId = (await job.ReadJsonAsync()).GetProperty("job_id").GetString()!;
                var claim = await client.PostAsJsonAsync("/compute/jobs/claim", new { worker_id = name, task_types = new[] { "exif" }, wait_seconds = 0 }, stop);
                if (claim.StatusCode == System.Net.HttpStatusCode.OK && (await claim.ReadJsonAsync()) is { ValueKind: JsonValueKind.Object } claimed
                    && claimed.TryGetProperty("job_id", out var claimedId))
                {
                    var form = new MultipartFormDataContent { { new StringContent(name), "worker_id" }, { new StringContent("{}"), "task_output" } };
                    form.Add(Forms.File(Forms.Text($"{name} {n} out")), "output_files", "out.txt");
                    form.Add(Forms.File(Forms.Text($"{name} {n} out2")), "output_files", "out2.txt");
                    if ((await client.PostAsync($"/compute/jobs/{claimedId.GetString()}/complete", form, stop)).IsSuccessStatusCode) Count("complete");
                }
                if (n % 4 == 0 && (await client.DeleteAsync($"/compute/jobs/{jobId}", stop)).IsSuccessStatusCode) Count("job delete");
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or JsonException) { }
    }
}
