using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Store.Storage;

namespace Store.Tests.Infrastructure;

/// <summary>
/// A real S3 protocol server for the run: s3rver from the npm registry (installed by scripts/install-tools --tests
/// into ~/.cache/store-tools/s3rver, or where STORE_S3RVER points), started on a free loopback port with its data in
/// a temporary folder, shared by the whole run and stopped at its end. Each host gets a bucket of its own
/// (<see cref="NewBucketAsync"/>). With STORE_TEST_STORAGE=s3 every <see cref="StoreHost"/> keeps its stored files
/// and previews there (scripts/test runs the classes marked <c>[Trait("storage", "both")]</c> so a second time).
/// </summary>
public sealed class S3Server
{
    static readonly Lazy<Task<S3Server>> Shared = new(StartAsync);

    /// <summary>s3rver's own account: any other key is refused, as a real server would.</summary>
    const string AccessKey = "S3RVER";
    const string SecretKey = "S3RVER";

    public string Endpoint { get; }

    S3Server(string endpoint) => Endpoint = endpoint;

    public static bool Selected => Environment.GetEnvironmentVariable("STORE_TEST_STORAGE") is "s3";

    public static Task<S3Server> GetAsync() => Shared.Value;

    /// <summary>
    /// A new empty bucket, and the settings that point a store at it. Parts of 5 MiB (S3's smallest) from 5 MiB on,
    /// so a test's upload of a few MiB goes up in parts.
    /// </summary>
    public async Task<S3Options> NewBucketAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        using var client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        await client.PutBucketAsync(name);
        return new S3Options(Endpoint, name, AccessKey, SecretKey, "us-east-1") { MultipartThreshold = 5L * 1024 * 1024, PartSize = 5L * 1024 * 1024 };
    }

    /// <summary>The variables that point a store process at <paramref name="bucket"/>.</summary>
    public static Dictionary<string, string> Variables(S3Options bucket) => new()
    {
        ["MEDIA_STORE"] = "s3",
        ["S3_ENDPOINT"] = bucket.Endpoint!,
        ["S3_BUCKET"] = bucket.Bucket,
        ["S3_ACCESS_KEY"] = bucket.AccessKey,
        ["S3_SECRET_KEY"] = bucket.SecretKey,
        ["S3_REGION"] = bucket.Region,
    };

    /// <summary>For a test that starts store processes: a fresh bucket's variables with STORE_TEST_STORAGE=s3, else none.</summary>
    public static async Task<Dictionary<string, string>> SelectedVariablesAsync() =>
        Selected ? Variables(await (await GetAsync()).NewBucketAsync()) : new Dictionary<string, string>();

    static string FindBin()
    {
        var dir = Environment.GetEnvironmentVariable("STORE_S3RVER")
                  ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "store-tools", "s3rver");
        var bin = Path.Combine(dir, "node_modules", ".bin", "s3rver");
        return File.Exists(bin) ? bin : throw new InvalidOperationException($"s3rver is not installed at {bin}: run scripts/install-tools --tests");
    }

    static async Task<S3Server> StartAsync()
    {
        var bin = FindBin();
        var dir = Path.Combine(Path.GetTempPath(), "store-tests", "s3rver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var port = FreePort();
        var start = new ProcessStartInfo(bin, ["-d", dir, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--no-vhost-buckets"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("s3rver did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"s3rver exited with {process.ExitCode} before it listened");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline) { await Task.Delay(100); }
        }
        return new S3Server($"http://127.0.0.1:{port}");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
