using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Store.Tests.Auth;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;

namespace Store.Tests.Reliability;

/// <summary>
/// Property: whatever a client sends to any route (generated bodies, query strings, headers and multipart parts), in
/// every auth mode, the answer is never a 5xx and never shows a stack trace or a server path. Bounded in count and in
/// time, and seeded: a failure names the CsCheck seed that repeats it (set STORE_FUZZ_SEED to it). One class per auth
/// mode, so that the three run beside each other and beside other classes, not one after the other.
/// </summary>
public abstract class FuzzTests(FuzzTests.Mode mode)
{
    [Trait("speed", "slow")]
    public sealed class NoAuth() : FuzzTests(Mode.NoAuth);

    [Trait("speed", "slow")]
    public sealed class WriteOnly() : FuzzTests(Mode.WriteOnly);

    [Trait("speed", "slow")]
    public sealed class ReadAuth() : FuzzTests(Mode.ReadAuth);

    static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    const int Iterations = 700;
    static readonly TimeSpan Budget = TimeSpan.FromSeconds(75);
    static readonly string Seed = Environment.GetEnvironmentVariable("STORE_FUZZ_SEED") is { Length: > 0 } s ? s : new PCG(12, 20260412).ToString();

    public enum Mode { NoAuth, WriteOnly, ReadAuth }

    [Fact]
    public async Task No_input_gets_a_5xx_a_stack_trace_or_a_server_path()
    {
        using var key = TestKey.Create();
        // Kestrel: hostile request lines (a NUL in the path) are its to refuse; the in-memory client would not even send them.
        await using var host = await AuthHost.StartAsync(key, s => s with { AuthDisabled = mode == Mode.NoAuth, ReadAuthEnabled = mode == Mode.ReadAuth },
            Server.Kestrel);
        string[] tokens = mode == Mode.NoAuth ? [""] :
        [
            "", "garbage.token.here", key.Token(isAdmin: true), key.Token(permissions: ["media_store_write"]),
            key.Token(permissions: ["ai_inference_support"]), key.Token(permissions: ["media_store_read"]),
            key.Token(isAdmin: true, lifetime: TimeSpan.FromSeconds(-60)),
        ];
        using var admin = host.NewClient(mode == Mode.NoAuth ? null : key.Token(isAdmin: true));
        var known = await Fixtures(admin);
        var routes = Routes(host);
        var clock = Stopwatch.StartNew();
        var sent = 0;

        // One sample of the whole request list, so the seed fixes every request; a failing list is shrunk by CsCheck.
        var cases = Gen.Select(Gen.Int[0, routes.Count - 1], Gen.Int[0, tokens.Length - 1], Gen.Int).Array[Iterations];
        try
        {
            await cases.SampleAsync(async list =>
            {
                foreach (var (route, token, seed) in list)
                {
                    if (clock.Elapsed > Budget) return;
                    sent++;
                    await SendOne(host, routes[route], tokens[token], seed, known);
                }
            }, seed: Seed, iter: 1, threads: 1);
        }
        catch (CsCheckException e)
        {
            Assert.Fail($"{e.Message}\n{e.InnerException?.Message}");
        }

        Assert.True(sent >= 50, $"only {sent} requests within the time budget");
    }

    static async Task SendOne(StoreHost host, (string Method, string Pattern, IAcceptsMetadata? Accepts) route, string token, int seed, Known known)
    {
        var random = new Random(seed);
        var (method, pattern, accepts) = route;
        using var request = Request(random, method, pattern, accepts, known);
        if (token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var client = host.NewClient();
        client.Timeout = TimeSpan.FromSeconds(40);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var status = (int)response.StatusCode;
        var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync(Ct);
        var what = $"{method} {request.RequestUri} ({request.Content?.Headers.ContentType}) -> {status}: {Cut(body)}";
        if (status >= 500) Assert.Fail("5xx: " + what);
        if (body.Contains("   at ") || body.Contains("Exception")) Assert.Fail("stack trace: " + what);
        // The audit's absolute_path is the contract's; every other answer keeps server paths to itself.
        if (pattern != "/system/audit" && body.Contains(host.Settings.ServerDir)) Assert.Fail("server path: " + what);
    }

    /// <summary>Mostly within Kestrel's URL limit, so that the query reaches the handlers (a few 414s stay).</summary>
    static string Short(string text) => text.Length > 1500 && text.Length % 5 != 0 ? text[..1500] : text;

    static string Cut(string text) => text.Length > 300 ? text[..300] + "…" : text;

    sealed record Known(long Collection, long Media, string Job);

    static async Task<Known> Fixtures(HttpClient admin)
    {
        var collection = (await admin.CreateCollectionAsync("fuzz")).Id();
        var media = (await admin.CreateMediaAsync("fuzz media", parentId: collection)).Id();
        var job = await admin.PostAsync("/compute/jobs/exif", JobKit.Form("in.txt", Forms.Text("fuzz job")), Ct);
        var jobId = (await job.ReadJsonAsync()).GetProperty("job_id").GetString()!;
        return new Known(collection, media, jobId);
    }

    static List<(string Method, string Pattern, IAcceptsMetadata? Accepts)> Routes(StoreHost host) =>
        host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, e.RoutePattern.RawText ?? "/", e.Metadata.GetMetadata<IAcceptsMetadata>())))
            .Where(r => !r.Item2.StartsWith("/scalar"))
            .OrderBy(r => r.Item2).ThenBy(r => r.m)
            .ToList();

    static T Pick<T>(Random random, params T[] items) => items[random.Next(items.Length)];

    static readonly string[] Fields =
    [
        "is_collection", "label", "description", "parent_id", "is_deleted", "body", "enabled", "guest_mode", "worker_id",
        "task_output", "params", "external_files", "priority", "task_types", "wait_seconds", "progress", "error_message",
        "capabilities", "idle_count", "recursive", "version", "page", "page_size", "md5", "search_query", "order_by",
        "order", "type", "width", "date_from", "file_size_min", "exclude_deleted", "download", "x",
    ];

    static string Text(Random random) => random.Next(12) switch
    {
        0 => "",
        1 => random.Next(-5, 5).ToString(),
        2 => Pick(random, "true", "false", "null", "1", "0", "TRUE", "yes"),
        3 => Pick(random, "9223372036854775808", "-9223372036854775809", "1e309", "NaN", "-0", "0x10", "1.5"),
        4 => "\ud800" + "x" + "\udfff",
        5 => new string('é', random.Next(100, 300)),
        6 => Pick(random, "../../etc/passwd", "/etc/passwd", "a\0b", "%00", "C:\\x", "\\\\server\\share", "~/x"),
        7 => Pick(random, "{}", "[]", "{\"a\":", "[{\"path\":\"/x\"}]", "{\"path\":\"\\u0000\"}", "{\"x\":\"\\ud800\"}", "[{\"path\":1}]"),
        8 => Pick(random, "exif", "claim", "image_resize", "image_thumbnail", "media_hash", "image_conversion"),
        9 => string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(1, 0x3000))),
        10 => new string('a', random.Next(2000, 70000)),
        _ => "fuzz-" + random.Next(1000),
    };

    static object? JsonValue(Random random, int depth) => random.Next(depth > 2 ? 6 : 9) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 => random.NextInt64(long.MinValue, long.MaxValue),
        3 => random.NextDouble() * 1e12,
        4 or 5 => Text(random),
        6 => Enumerable.Range(0, random.Next(4)).Select(_ => JsonValue(random, depth + 1)).ToList(),
        _ => Enumerable.Range(0, random.Next(5)).Select(_ => (Key: Pick(random, Fields) + (random.Next(4) == 0 ? random.Next(9).ToString() : ""), Value: JsonValue(random, depth + 1)))
            .DistinctBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value),
    };

    static string Segment(Random random, string name, Known known) => random.Next(6) switch
    {
        0 => name == "job_id" ? known.Job : Pick(random, known.Collection, known.Media).ToString(),
        1 => Pick(random, "0", "-1", "9223372036854775807", "99999999999999999999", "1.5"),
        2 => Pick(random, "input/in.txt", "output/x", "input/../../media_store.db", "..%2F..%2Fetc", "%2e%2e"),
        3 => Uri.EscapeDataString(Text(random)),
        4 => Pick(random, "claim", "capabilities", "events", "v1", "matrix"),
        _ => Uri.EscapeDataString(Guid.NewGuid().ToString()),
    };

    static HttpRequestMessage Request(Random random, string method, string pattern, IAcceptsMetadata? accepts, Known known)
    {
        var path = new StringBuilder();
        foreach (var segment in RoutePatternFactory.Parse(pattern).PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => Segment(random, parameter.Name, known),
                    _ => "",
                });
        }
        var query = string.Join("&", Enumerable.Range(0, random.Next(4)).Select(_ =>
            $"{Uri.EscapeDataString(Pick(random, Fields))}={Uri.EscapeDataString(Short(Text(random).Replace("\ud800", "").Replace("\udfff", "")))}"));
        var url = path.Length == 0 ? "/" : path.ToString();
        var request = new HttpRequestMessage(new HttpMethod(method), query.Length > 0 ? $"{url}?{query}" : url);
        for (var i = random.Next(3); i > 0; i--)
        {
            var (name, value) = Pick(random,
                ("Range", Pick(random, "bytes=0-10", "bytes=-5", "bytes=99999999-", "bytes=5-1", "bytes=a-b", "items=0-1")),
                ("If-None-Match", Pick(random, "\"x\"", "*", "garbage")),
                ("Accept", Pick(random, "text/event-stream", "*/*", "application/xml")),
                ("X-Forwarded-For", "999.1.1.1"),
                ("Last-Event-ID", Text(random)));
            // HTTP headers are ASCII: anything else never leaves the client.
            request.Headers.TryAddWithoutValidation(name, new string(value.Where(c => c is >= ' ' and < (char)127).ToArray()));
        }
        if (method is "POST" or "PUT" or "PATCH" || random.Next(8) == 0) request.Content = Body(random, accepts);
        return request;
    }

    static HttpContent? Body(Random random, IAcceptsMetadata? accepts)
    {
        var declared = accepts?.ContentTypes.ToArray() ?? [];
        var type = declared.Length > 0 && random.Next(3) > 0 ? Pick(random, declared) : Pick(random, "application/json", "multipart/form-data", "application/x-www-form-urlencoded", "text/plain", "");
        switch (type)
        {
            case "multipart/form-data" when random.Next(10) > 0:
                var form = new MultipartFormDataContent();
                for (var i = random.Next(6); i > 0; i--)
                {
                    var field = Pick(random, Fields.Concat(["image", "media_file", "upload_files", "file", "output_files"]).ToArray());
                    if (random.Next(3) == 0)
                    {
                        var bytes = new byte[random.Next(0, 4096)];
                        random.NextBytes(bytes);
                        if (random.Next(3) == 0) bytes = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, .. bytes];
                        form.Add(Forms.File(bytes), field, Pick(random, "a.png", ".", "../../x", new string('é', 150) + ".jpg", "a\u0001b", "x" + Text(random).Replace("\"", "")));
                    }
                    else form.Add(new StringContent(Text(random)), field);
                }
                return form;
            case "application/x-www-form-urlencoded":
                return new StringContent(string.Join("&", Enumerable.Range(0, random.Next(5)).Select(_ =>
                    $"{Pick(random, Fields)}={Uri.EscapeDataString(Text(random).Replace("\ud800", "").Replace("\udfff", ""))}")), Encoding.UTF8, type);
            case "application/json" when random.Next(4) > 0:
                var json = JsonSerializer.Serialize(JsonValue(random, 0), RelaxedJson);
                return new StringContent(json, Encoding.UTF8, "application/json");
            default:
                var raw = new byte[random.Next(0, 2048)];
                random.NextBytes(raw);
                var content = new ByteArrayContent(raw);
                if (type.Length > 0) content.Headers.TryAddWithoutValidation("Content-Type", type + Pick(random, "", "; boundary=", "; boundary=x", "; charset=utf-16"));
                return content;
        }
    }
}
