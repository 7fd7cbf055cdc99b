using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Store.Tests.Infrastructure;

namespace Store.Tests.Auth;

/// <summary>Each token an attacker could forge or replay is refused with 401, on a write endpoint and on a public one.</summary>
public sealed class TokenAttackTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    StoreHost Host => fixture.Host;
    TestKey Key => fixture.Key;

    static readonly string[] Write = ["media_store_write"];

    /// <summary>The claim that names the user in the shape under test: every attack runs against both shapes.</summary>
    static string UserClaim(TokenShape shape) => shape == TokenShape.Sub ? "sub" : "id";

    static Dictionary<string, object> Payload(TokenShape shape = TokenShape.Sub, string? sub = "attacker", long? exp = null, long? nbf = null, bool admin = true)
    {
        var payload = new Dictionary<string, object> { ["permissions"] = new[] { "media_store_write", "admin" }, ["is_admin"] = admin };
        if (sub is not null) payload[UserClaim(shape)] = sub;
        payload["exp"] = exp ?? TestKey.Epoch(TimeSpan.FromMinutes(30));
        if (nbf is not null) payload["nbf"] = nbf;
        return payload;
    }

    static readonly object Es256 = new { alg = "ES256", typ = "JWT" };

    static readonly string[] AttackNames =
    [
        "alg none", "alg None", "alg NONE", "alg none with a signature", "alg missing", "ES256 with the signature stripped",
        "HS256 keyed with the public key PEM", "HS256 keyed with the public key DER",
        "signed by another key", "ES384 by a P-384 key", "zero signature (psychic signature)", "payload tampered after signing",
        "expired", "not yet valid", "missing sub", "empty sub", "numeric sub", "missing exp", "string exp",
        "permissions not a list", "permissions with a number", "is_admin a string", "is_admin a number",
        "garbage", "three garbage parts", "header not JSON", "payload not JSON", "empty bearer", "five parts (JWE shape)",
        "kid naming another key", "jku pointing elsewhere", "embedded jwk", "x5u pointing elsewhere",
    ];

    public static TheoryData<string, TokenShape> Attacks
    {
        get
        {
            var data = new TheoryData<string, TokenShape>();
            foreach (var shape in Enum.GetValues<TokenShape>())
                foreach (var attack in AttackNames) data.Add(attack, shape);
            return data;
        }
    }

    /// <summary>The refusal names its reason, so these tests fail if a token is refused for some other, accidental one.</summary>
    static readonly Dictionary<string, string> Reasons = new()
    {
        ["alg none"] = "only ES256", ["alg None"] = "only ES256", ["alg NONE"] = "only ES256", ["alg none with a signature"] = "only ES256",
        ["alg missing"] = "only ES256", ["HS256 keyed with the public key PEM"] = "only ES256", ["HS256 keyed with the public key DER"] = "only ES256",
        ["ES384 by a P-384 key"] = "only ES256", ["five parts (JWE shape)"] = "only ES256",
        ["ES256 with the signature stripped"] = "signature", ["signed by another key"] = "signature",
        ["zero signature (psychic signature)"] = "signature", ["payload tampered after signing"] = "signature",
        ["kid naming another key"] = "signature", ["jku pointing elsewhere"] = "signature", ["embedded jwk"] = "signature",
        ["x5u pointing elsewhere"] = "signature",
        ["expired"] = "expired", ["not yet valid"] = "not valid yet", ["missing sub"] = "sub", ["empty sub"] = "sub",
        ["numeric sub"] = "sub", ["missing exp"] = "exp", ["string exp"] = "exp",
        ["permissions not a list"] = "permissions", ["permissions with a number"] = "permissions",
        ["is_admin a string"] = "is_admin", ["is_admin a number"] = "is_admin",
        ["garbage"] = "malformed", ["three garbage parts"] = "malformed", ["header not JSON"] = "malformed",
        ["payload not JSON"] = "malformed", ["empty bearer"] = "malformed",
    };

    string Forge(string attack, TokenShape shape)
    {
        using var other = TestKey.Create();
        Dictionary<string, object> Payload(string? sub = "attacker", long? exp = null, long? nbf = null, bool admin = true) =>
            TokenAttackTests.Payload(shape, sub, exp, nbf, admin);
        var user = UserClaim(shape);
        var body = TestKey.B64(Payload());
        return attack switch
        {
            "alg none" => $"{TestKey.B64(new { alg = "none", typ = "JWT" })}.{body}.",
            "alg None" => $"{TestKey.B64(new { alg = "None" })}.{body}.",
            "alg NONE" => $"{TestKey.B64(new { alg = "NONE" })}.{body}.",
            "alg none with a signature" => $"{TestKey.B64(new { alg = "none" })}.{body}.{Key.SignByHand(Es256, Payload()).Split('.')[2]}",
            "alg missing" => Key.SignByHand(new { typ = "JWT" }, Payload()),
            "ES256 with the signature stripped" => string.Join('.', Key.SignByHand(Es256, Payload()).Split('.')[..2]) + ".",
            "HS256 keyed with the public key PEM" => Hs256(Encoding.ASCII.GetBytes(Key.PublicPem), shape),
            "HS256 keyed with the public key DER" => Hs256(Key.Ecdsa.ExportSubjectPublicKeyInfo(), shape),
            "signed by another key" => other.SignByHand(Es256, Payload()),
            "ES384 by a P-384 key" => P384(shape),
            "zero signature (psychic signature)" => $"{TestKey.B64(Es256)}.{body}.{TestKey.Base64Url(new byte[64])}",
            "payload tampered after signing" => Tampered(shape),
            "expired" => Key.SignByHand(Es256, Payload(exp: TestKey.Epoch(TimeSpan.FromMinutes(-10)))),
            "not yet valid" => Key.SignByHand(Es256, Payload(nbf: TestKey.Epoch(TimeSpan.FromMinutes(10)))),
            "missing sub" => Key.SignByHand(Es256, Payload(sub: null)),
            "empty sub" => Key.SignByHand(Es256, Payload(sub: "")),
            "numeric sub" => Key.SignByHand(Es256, Without(Payload(), user, (user, 42))),
            "missing exp" => Key.SignByHand(Es256, Without(Payload(), "exp")),
            "string exp" => Key.SignByHand(Es256, Without(Payload(), "exp", ("exp", TestKey.Epoch(TimeSpan.FromMinutes(30)).ToString()))),
            "permissions not a list" => Key.SignByHand(Es256, Without(Payload(admin: false), "permissions", ("permissions", "media_store_write"))),
            "permissions with a number" => Key.SignByHand(Es256, Without(Payload(admin: false), "permissions", ("permissions", new object[] { "media_store_write", 1 }))),
            "is_admin a string" => Key.SignByHand(Es256, Without(Payload(), "is_admin", ("is_admin", "true"))),
            "is_admin a number" => Key.SignByHand(Es256, Without(Payload(), "is_admin", ("is_admin", 1))),
            "garbage" => "garbage",
            "three garbage parts" => "a.b.c",
            "header not JSON" => $"{TestKey.B64("not json")}.{body}.{TestKey.Base64Url(new byte[64])}",
            "payload not JSON" => Key.SignByHand(Es256, "not json"),
            "empty bearer" => "",
            "five parts (JWE shape)" => $"{TestKey.B64(new { alg = "RSA-OAEP", enc = "A256GCM" })}.a.b.c.d",
            "kid naming another key" => other.SignByHand(new { alg = "ES256", kid = "store-signing-key" }, Payload()),
            "jku pointing elsewhere" => other.SignByHand(new { alg = "ES256", kid = "k1", jku = JwksUrl }, Payload()),
            "embedded jwk" => other.SignByHand(new { alg = "ES256", jwk = Jwk(other) }, Payload()),
            "x5u pointing elsewhere" => other.SignByHand(new { alg = "ES256", x5u = JwksUrl }, Payload()),
            _ => throw new ArgumentOutOfRangeException(nameof(attack), attack, null),
        };
    }

    /// <summary>A loopback listener the forged headers point at: the service must never call it.</summary>
    static readonly TcpListener Trap = StartTrap();
    static string JwksUrl => $"http://127.0.0.1:{((IPEndPoint)Trap.LocalEndpoint).Port}/.well-known/jwks.json";

    static TcpListener StartTrap()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Forged_token_is_refused_on_a_write_endpoint(string attack, TokenShape shape)
    {
        var token = Forge(attack, shape);
        using var client = Host.As(token);
        var response = await client.PostAsync("/entities", Forms.Entity(true, "should not exist"), Ct);
        await AssertUnauthorized(response, attack);
        if (Reasons.TryGetValue(attack, out var reason))
            Assert.Contains(reason, (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.False(Trap.Pending(), "the service fetched a key from a URL named in the token header");
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Forged_token_is_refused_even_on_a_public_endpoint(string attack, TokenShape shape)
    {
        using var client = Host.As(Forge(attack, shape));
        await AssertUnauthorized(await client.GetAsync("/", Ct), attack);
        await AssertUnauthorized(await client.GetAsync("/entities", Ct), attack);
    }

    [Fact]
    public async Task Nothing_was_created_by_any_forged_token()
    {
        foreach (var attack in Attacks) await Forged_token_is_refused_on_a_write_endpoint(attack.Data.Item1, attack.Data.Item2);
        var list = await (await Host.Client.GetAsync("/entities", Ct)).ReadJsonAsync();
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), e => e.GetProperty("label").GetString() == "should not exist");
    }

    [Theory]
    [InlineData(TokenShape.Sub)]
    [InlineData(TokenShape.Id)]
    public async Task A_genuine_token_passes_and_names_the_caller(TokenShape shape)
    {
        using var client = Host.As(Key.Token(sub: "alice", permissions: Write, shape: shape));
        var created = await client.PostAsync("/entities", Forms.Entity(true, "Trip"), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        Assert.Equal("alice", body.GetProperty("added_by").GetString());
        Assert.Equal("alice", body.GetProperty("updated_by").GetString());
    }

    [Fact]
    public async Task Random_junk_in_every_part_is_a_401_never_a_500()
    {
        var random = new Random(4242);
        string[] fragments = ["{}", "[]", "null", "{\"alg\":\"ES256\"}", "{\"alg\":1}", "{\"alg\":\"ES256\",\"crit\":[\"x\"]}", "\"", "{\"sub\":{}}"];
        string Part() => random.Next(4) switch
        {
            0 => TestKey.B64(fragments[random.Next(fragments.Length)]),
            1 => TestKey.Base64Url(RandomBytes(random, random.Next(0, 80))),
            2 => new string('A', random.Next(0, 10)) + "=+/",
            _ => "",
        };
        using var client = Host.NewClient();
        for (var i = 0; i < 150; i++)
        {
            var token = string.Join('.', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Part()));
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
            var response = await client.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"'{token}' got {(int)response.StatusCode}");
        }
    }

    static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(TokenShape.Sub)]
    [InlineData(TokenShape.Id)]
    public async Task The_hand_signed_baseline_of_the_attacks_is_accepted(TokenShape shape)
    {
        // Each attack above changes one thing of this token; unchanged, it passes.
        using var client = Host.As(Key.SignByHand(Es256, Payload(shape, sub: "baseline")));
        var created = await client.PostAsync("/entities", Forms.Entity(true, $"baseline {shape}"), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("baseline", (await created.ReadJsonAsync()).GetProperty("added_by").GetString());
    }

    [Fact]
    public async Task Sub_wins_over_id_when_a_token_carries_both()
    {
        var token = Key.SignByHand(Es256, new Dictionary<string, object>
        {
            ["sub"] = "from-sub", ["id"] = "from-id", ["permissions"] = Write, ["exp"] = TestKey.Epoch(TimeSpan.FromMinutes(5)),
        });
        using var client = Host.As(token);
        var created = await client.PostAsync("/entities", Forms.Entity(true, "both claims"), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("from-sub", (await created.ReadJsonAsync()).GetProperty("added_by").GetString());
    }

    [Theory]
    [InlineData(42)]
    [InlineData("")]
    public async Task A_broken_sub_is_refused_even_beside_a_good_id(object sub)
    {
        var token = Key.SignByHand(Es256, new Dictionary<string, object>
        {
            ["sub"] = sub, ["id"] = "from-id", ["permissions"] = Write, ["exp"] = TestKey.Epoch(TimeSpan.FromMinutes(5)),
        });
        using var client = Host.As(token);
        await AssertUnauthorized(await client.PostAsync("/entities", Forms.Entity(true, "broken sub"), Ct), "broken sub");
    }

    [Fact]
    public async Task A_kid_hint_is_ignored_when_the_configured_key_signed_the_token()
    {
        var token = Key.SignByHand(new { alg = "ES256", typ = "JWT", kid = "whatever-the-auth-service-calls-it" },
            new Dictionary<string, object> { ["sub"] = "bob", ["permissions"] = Write, ["exp"] = TestKey.Epoch(TimeSpan.FromMinutes(5)) });
        using var client = Host.As(token);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/entities", Forms.Entity(true, "kid"), Ct)).StatusCode);
    }

    [Theory]
    [InlineData(-5, null)]
    [InlineData(60, 5)]
    public async Task Clock_skew_of_a_few_seconds_is_tolerated(int expInSeconds, int? nbfInSeconds)
    {
        // The README states 30 s; 5 s past exp or before nbf is inside it (tokens well past it are refused above).
        var payload = new Dictionary<string, object>
        {
            ["sub"] = "carol", ["permissions"] = Write, ["exp"] = TestKey.Epoch(TimeSpan.FromSeconds(expInSeconds)),
        };
        if (nbfInSeconds is { } nbf) payload["nbf"] = TestKey.Epoch(TimeSpan.FromSeconds(nbf));
        using var client = Host.As(Key.SignByHand(Es256, payload));
        var created = await client.PostAsync("/entities", Forms.Entity(true, $"skew {expInSeconds}"), Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Other_authorization_schemes_are_not_tokens()
    {
        using var client = Host.NewClient();
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:admin")));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode);
        await AssertNotAuthenticated(await client.PostAsync("/entities", Forms.Entity(true, "basic"), Ct));
    }

    [Fact]
    public async Task The_scheme_is_case_insensitive_and_two_authorization_headers_are_refused()
    {
        var token = Key.Token(sub: "dave", permissions: Write);
        using var lower = Host.NewClient();
        lower.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"bearer {token}");
        Assert.Equal(HttpStatusCode.Created, (await lower.PostAsync("/entities", Forms.Entity(true, "lower"), Ct)).StatusCode);

        using var twice = Host.NewClient();
        twice.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", [$"Bearer {token}", "Bearer garbage"]);
        await AssertUnauthorized(await twice.GetAsync("/", Ct), "two Authorization headers");
    }

    internal static async Task AssertUnauthorized(HttpResponseMessage response, string because)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{because}: expected 401, got {(int)response.StatusCode}");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        var detail = (await response.ReadJsonAsync()).GetProperty("detail").GetString();
        Assert.StartsWith("Could not validate credentials", detail);
    }

    internal static async Task AssertNotAuthenticated(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("Not authenticated", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    static string Hs256(byte[] secret, TokenShape shape)
    {
        var signingInput = $"{TestKey.B64(new { alg = "HS256", typ = "JWT" })}.{TestKey.B64(Payload(shape))}";
        var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{TestKey.Base64Url(mac)}";
    }

    static string P384(TokenShape shape)
    {
        using var p384 = TestKey.Create(ECCurve.NamedCurves.nistP384);
        var signingInput = $"{TestKey.B64(new { alg = "ES384" })}.{TestKey.B64(Payload(shape))}";
        var signature = p384.Ecdsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{TestKey.Base64Url(signature)}";
    }

    string Tampered(TokenShape shape)
    {
        var genuine = Key.SignByHand(Es256, new Dictionary<string, object> { [UserClaim(shape)] = "mallory", ["exp"] = TestKey.Epoch(TimeSpan.FromMinutes(5)) }).Split('.');
        return $"{genuine[0]}.{TestKey.B64(Payload(shape, sub: "mallory"))}.{genuine[2]}";
    }

    static Dictionary<string, object> Without(Dictionary<string, object> payload, string name, params (string Name, object Value)[] add)
    {
        payload.Remove(name);
        foreach (var (n, v) in add) payload[n] = v;
        return payload;
    }

    static object Jwk(TestKey key)
    {
        var p = key.Ecdsa.ExportParameters(false);
        return new { kty = "EC", crv = "P-256", x = TestKey.Base64Url(p.Q.X!), y = TestKey.Base64Url(p.Q.Y!) };
    }
}
