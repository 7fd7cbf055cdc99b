using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Npgsql;
using Store.Data;
using Store.Storage;
using Store.Tests.Infrastructure;

namespace Store.Tests.Instances;

/// <summary>
/// Two real store processes as one store: one PostgreSQL database (a fresh copy of the migrated template on the
/// run's cluster), one bucket on the run's s3rver, and each its own CL_SERVER_DIR (its pending journal, its temporary
/// folders, its job files), as two machines behind one address would have. Auth is off unless a test passes a key.
/// The built-in worker is off, so that only the test's workers claim and heartbeat.
/// </summary>
public sealed class TwoStores : IAsyncDisposable
{
    readonly List<string> _dirs;

    TwoStores(string databaseUrl, S3Options bucket, StoreProcess a, Uri aAddress, StoreProcess b, Uri bAddress, List<string> dirs)
    {
        DatabaseUrl = databaseUrl;
        Bucket = bucket;
        A = a;
        B = b;
        AAddress = aAddress;
        BAddress = bAddress;
        _dirs = dirs;
    }

    public string DatabaseUrl { get; }
    public S3Options Bucket { get; }
    public StoreProcess A { get; }
    public StoreProcess B { get; }
    public Uri AAddress { get; }
    public Uri BAddress { get; }

    public IReadOnlyList<StoreProcess> Both => [A, B];

    /// <summary>A connection to the stores' database, for what a test sets up or reads behind their backs.</summary>
    public NpgsqlConnection Connect() => new(PostgresUrl.ConnectionString(DatabaseUrl) + ";Pooling=false");

    public HttpClient ClientA(string? token = null) => Client(AAddress, token);
    public HttpClient ClientB(string? token = null) => Client(BAddress, token);

    static HttpClient Client(Uri address, string? token)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>
    /// Starts both; <paramref name="env"/> is added to each one's environment, <paramref name="beforeStart"/> runs on
    /// the database once it exists and before either process starts.
    /// </summary>
    public static async Task<TwoStores> StartAsync(Dictionary<string, string>? env = null, TestKey? key = null,
        Func<NpgsqlConnection, Task>? beforeStart = null)
    {
        var url = await TestDatabase.CreatePostgresAsync();
        var bucket = await (await S3Server.GetAsync()).NewBucketAsync();
        if (beforeStart is not null)
        {
            await using var connection = new NpgsqlConnection(PostgresUrl.ConnectionString(url) + ";Pooling=false");
            await connection.OpenAsync();
            await beforeStart(connection);
        }
        var dirs = new List<string>();
        var started = new List<(StoreProcess, Uri)>();
        foreach (var name in new[] { "a", "b" })
        {
            var dir = Path.Combine(Path.GetTempPath(), "store-tests", $"two-{name}-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            dirs.Add(dir);
            var port = StoreProcess.FreePort();
            var variables = new Dictionary<string, string>(S3Server.Variables(bucket))
            {
                ["CL_SERVER_DIR"] = dir,
                ["DATABASE_URL"] = url,
                ["HOST"] = "127.0.0.1",
                ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            if (key is null) variables["AUTH_DISABLED"] = "true";
            else
            {
                var pem = Path.Combine(dir, "public_key.pem");
                key.WritePublicKey(pem);
                variables["PUBLIC_KEY_PATH"] = pem;
            }
            foreach (var (k, v) in env ?? []) variables[k] = v;
            started.Add((StoreProcess.Start(["--no-builtin-worker"], variables), new Uri($"http://127.0.0.1:{port}")));
        }
        try
        {
            await Task.WhenAll(started.Select(s => s.Item1.WaitUntilHealthyAsync(s.Item2)));
        }
        catch
        {
            foreach (var (process, _) in started) await process.DisposeAsync();
            throw;
        }
        return new TwoStores(url, bucket, started[0].Item1, started[0].Item2, started[1].Item1, started[1].Item2, dirs);
    }

    /// <summary>The keys of the stores' bucket under <paramref name="prefix"/>, read behind their backs.</summary>
    public async Task<List<string>> KeysAsync(string prefix)
    {
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(Bucket.AccessKey, Bucket.SecretKey), new AmazonS3Config
        {
            ServiceURL = Bucket.Endpoint!,
            ForcePathStyle = true,
            AuthenticationRegion = Bucket.Region,
        });
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket.Bucket, Prefix = prefix },
            TestContext.Current.CancellationToken);
        return listed.S3Objects?.Select(o => o.Key).Order(StringComparer.Ordinal).ToList() ?? [];
    }

    /// <summary>How many times <paramref name="text"/> appears in the output of both processes together.</summary>
    public int CountInOutput(string text) =>
        Both.Sum(p => (p.StandardOutput + p.StandardError).Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal)));

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await TestDatabase.DropPostgresAsync(PostgresUrl.ConnectionString(DatabaseUrl));
        foreach (var dir in _dirs)
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
