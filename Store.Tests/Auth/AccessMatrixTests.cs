using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Store.Auth;
using Store.Tests.Infrastructure;

namespace Store.Tests.Auth;

/// <summary>
/// Every endpoint the service maps (found in its EndpointDataSource, so endpoints added later are
/// covered without touching this file) × every auth mode × every kind of caller, checked against
/// the contract's permission table (section 3). An endpoint without a declared rule, or with a rule
/// other than the one the contract gives its path, fails here.
/// </summary>
[Trait("speed", "slow")]
public sealed class AccessMatrixTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public enum Mode { NoAuth, WriteOnly, ReadAuthFromEnvironment, ReadAuthFromRuntimeSwitch }

    /// <summary>The callers of the matrix: no token, and one token per permission of the contract.</summary>
    static readonly (string Name, string[]? Permissions, bool IsAdmin)[] Callers =
    [
        ("no token", null, false),
        ("read token", ["media_store_read"], false),
        ("write token", ["media_store_write"], false),
        ("inference token", ["ai_inference_support"], false),
        ("admin token (is_admin)", [], true),
        ("admin token (admin permission)", ["admin"], false),
        ("token without permissions", [], false),
    ];

    /// <summary>Contract section 3, by path: what each endpoint must declare.</summary>
    static Access? ContractRule(string method, string path) => path switch
    {
        "/" or "/compute" or "/compute/capabilities" => Access.Public,
        // Health for orchestrators and /metrics for Prometheus, which scrape without credentials (README: Metrics).
        "/health/live" or "/health/ready" or "/metrics" => Access.Public,
        _ when path.StartsWith("/openapi/") || path == "/scalar" || path.StartsWith("/scalar/") => Access.Public,
        _ when path.StartsWith("/admin/") || path.StartsWith("/system/") => Access.Admin,
        _ when path == "/entities" || path.StartsWith("/entities/") => method is "GET" or "HEAD" ? Access.EntityRead : Access.EntityWrite,
        _ when path.StartsWith("/compute/") => Access.Inference,
        _ => null,
    };

    static Decision Expected(Access rule, Mode mode, (string Name, string[]? Permissions, bool IsAdmin) caller)
    {
        if (mode == Mode.NoAuth) return Decision.Allow;
        var readAuth = mode is Mode.ReadAuthFromEnvironment or Mode.ReadAuthFromRuntimeSwitch;
        var needsToken = rule switch { Access.Public => false, Access.EntityRead => readAuth, _ => true };
        if (caller.Permissions is null) return needsToken ? Decision.NotAuthenticated : Decision.Allow;
        bool Has(string p) => caller.Permissions.Contains(p);
        if (caller.IsAdmin || Has("admin")) return Decision.Allow;
        return rule switch
        {
            Access.Public => Decision.Allow,
            Access.EntityRead when !readAuth || Has("media_store_read") || Has("media_store_write") => Decision.Allow,
            Access.EntityWrite when Has("media_store_write") => Decision.Allow,
            Access.Inference when Has("ai_inference_support") => Decision.Allow,
            _ => Decision.Forbidden,
        };
    }

    /// <summary>Every mode with tokens of both shapes: the seed's <c>sub</c> and the <c>id</c> of today's CL auth service.</summary>
    public static TheoryData<Mode, TokenShape> Modes
    {
        get
        {
            var data = new TheoryData<Mode, TokenShape>();
            foreach (var mode in Enum.GetValues<Mode>())
                foreach (var shape in Enum.GetValues<TokenShape>()) data.Add(mode, shape);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Every_endpoint_answers_every_caller_as_the_contract_says(Mode mode, TokenShape shape)
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key, s => s with
        {
            AuthDisabled = mode == Mode.NoAuth,
            ReadAuthEnabled = mode == Mode.ReadAuthFromEnvironment,
            MetricsEnabled = true,
        });
        if (mode == Mode.ReadAuthFromRuntimeSwitch)
        {
            using var admin = host.As(key.Token(isAdmin: true, shape: shape));
            var put = await admin.PutAsync("/admin/config/read-auth", new StringContent("""{"enabled": true}""", Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var endpoints = Endpoints(host);
        Assert.True(endpoints.Count >= 12, $"only {endpoints.Count} endpoints found; is discovery broken?");
        var failures = new List<string>();
        foreach (var (method, endpoint) in endpoints)
        {
            var path = endpoint.RoutePattern.RawText ?? "";
            var declared = endpoint.Metadata.GetMetadata<AccessMetadata>()?.Access;
            var rule = ContractRule(method, path);
            if (declared is null) { failures.Add($"{method} {path} declares no access rule (.RequireAccess)"); continue; }
            if (rule is null) { failures.Add($"{method} {path} is not in the contract's permission table of this test"); continue; }
            if (declared != rule) { failures.Add($"{method} {path} declares {declared}, the contract says {rule}"); continue; }

            var url = Url(endpoint.RoutePattern);
            foreach (var caller in Callers)
            {
                var token = caller.Permissions is null ? null : key.Token(sub: "matrix", permissions: caller.Permissions, isAdmin: caller.IsAdmin, shape: shape);
                var expected = Expected(rule.Value, mode, caller);
                var problem = await Check(host, method, url, endpoint.Metadata.GetMetadata<IAcceptsMetadata>(), token, expected);
                if (problem is not null) failures.Add($"{mode}/{shape}: {method} {url} ({rule}) with {caller.Name}: expected {expected}, {problem}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Every_endpoint_declares_the_rule_the_contract_gives_its_path()
    {
        await using var host = await StoreHost.StartAsync();
        var wrong = Endpoints(host)
            .Select(e => (e.Method, Path: e.Endpoint.RoutePattern.RawText ?? "", Declared: e.Endpoint.Metadata.GetMetadata<AccessMetadata>()?.Access))
            .Where(e => e.Declared is null || e.Declared != ContractRule(e.Method, e.Path))
            .Select(e => $"{e.Method} {e.Path}: declares {e.Declared?.ToString() ?? "nothing"}, contract says {ContractRule(e.Method, e.Path)?.ToString() ?? "(not in table)"}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    static List<(string Method, RouteEndpoint Endpoint)> Endpoints(StoreHost host) =>
        host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e)))
            .OrderBy(e => e.Item2.RoutePattern.RawText).ThenBy(e => e.m)
            .ToList();

    /// <summary>A URL that the route matches: constrained parameters get values of their type, so routing reaches the endpoint.</summary>
    static string Url(RoutePattern pattern)
    {
        var url = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            url.Append('/');
            foreach (var part in segment.Parts)
            {
                url.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => Dummy(parameter),
                    _ => "",
                });
            }
        }
        return url.Length == 0 ? "/" : url.ToString();
    }

    static string Dummy(RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? "").ToList();
        if (constraints.Any(c => c is "long" or "int" || c.StartsWith("min") || c.StartsWith("range"))) return "987654";
        if (constraints.Contains("guid")) return "00000000-0000-4000-8000-000000000001";
        if (constraints.Contains("bool")) return "true";
        if (parameter.IsCatchAll) return "input/matrix.txt";
        if (parameter.Name == "documentName") return "v1";
        return "matrix_dummy";
    }

    static async Task<string?> Check(StoreHost host, string method, string url, IAcceptsMetadata? accepts, string? token, Decision expected)
    {
        using var client = host.NewClient(token);
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "POST" or "PUT" or "PATCH") request.Content = HarmlessBody(accepts);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        // Headers only: an event stream that the check lets through must not hold the matrix up.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var status = (int)response.StatusCode;
        switch (expected)
        {
            case Decision.Allow:
                return status is 401 or 403 or 503 || status >= 500 ? $"got {status}: {await Body(response)}" : null;
            case Decision.NotAuthenticated:
                if (status != 401) return $"got {status}";
                if (response.Headers.WwwAuthenticate.ToString() != "Bearer") return "401 without WWW-Authenticate: Bearer";
                return await Body(response) is var notAuthenticated && notAuthenticated != """{"detail":"Not authenticated"}""" ? $"401 body {notAuthenticated}" : null;
            default:
                if (status != 403) return $"got {status}";
                return await Body(response) is var forbidden && forbidden != """{"detail":"Not enough permissions"}""" ? $"403 body {forbidden}" : null;
        }
    }

    /// <summary>
    /// A body of a content type the endpoint accepts (routing answers 415 for any other before the
    /// access check runs); the handlers answer 4xx for it, but only after the access check.
    /// </summary>
    static HttpContent HarmlessBody(IAcceptsMetadata? accepts)
    {
        var type = accepts is { ContentTypes: [var first, ..] } ? first : "application/json";
        return type switch
        {
            "multipart/form-data" => Forms.Fields(("matrix", "1")),
            "application/x-www-form-urlencoded" => new StringContent("matrix=1", Encoding.UTF8, type),
            _ => new StringContent("""{"wait_seconds": 0}""", Encoding.UTF8, "application/json"),
        };
    }

    static async Task<string> Body(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream") return "(event stream)";
        // A HEAD answer has the GET answer's headers and no body by definition.
        if (response.RequestMessage?.Method == HttpMethod.Head)
            return response.StatusCode switch
            {
                System.Net.HttpStatusCode.Unauthorized => """{"detail":"Not authenticated"}""",
                System.Net.HttpStatusCode.Forbidden => """{"detail":"Not enough permissions"}""",
                _ => "(HEAD)",
            };
        return await response.Content.ReadAsStringAsync(Ct);
    }
}
