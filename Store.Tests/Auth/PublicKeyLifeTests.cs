using System.Net;
using System.Security.Cryptography;
using Store.Tests.Infrastructure;

namespace Store.Tests.Auth;

/// <summary>The key file may be missing, appear, change or go bad while the service runs; no restart is ever needed.</summary>
public sealed class PublicKeyLifeTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly string[] Write = ["media_store_write"];

    [Fact]
    public async Task Without_a_key_the_service_serves_public_reads_and_names_the_missing_file()
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key: null);
        Assert.False(File.Exists(host.Settings.PublicKeyPath));

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/entities", Ct)).StatusCode);
        // No token where one is needed: still 401, the key does not matter.
        await TokenAttackTests.AssertNotAuthenticated(await host.Client.PostAsync("/entities", Forms.Entity(true, "x"), Ct));

        using var client = host.As(key.Token(permissions: Write));
        var refused = await client.PostAsync("/entities", Forms.Entity(true, "x"), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var detail = (await refused.ReadJsonAsync()).GetProperty("detail").GetString();
        Assert.Contains(host.Settings.PublicKeyPath, detail);
        Assert.Contains("missing", detail);

        // A request that needs no token is served even with one, since the token cannot be judged yet.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/entities", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_key_that_appears_changes_or_disappears_is_followed_without_a_restart()
    {
        using var first = TestKey.Create();
        using var second = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key: null);
        var path = host.Settings.PublicKeyPath;
        using var firstClient = host.As(first.Token(sub: "first", permissions: Write));
        using var secondClient = host.As(second.Token(sub: "second", permissions: Write));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await firstClient.PostAsync("/entities", Forms.Entity(true, "a"), Ct)).StatusCode);

        first.WritePublicKey(path);
        Assert.Equal(HttpStatusCode.Created, (await firstClient.PostAsync("/entities", Forms.Entity(true, "a"), Ct)).StatusCode);
        await TokenAttackTests.AssertUnauthorized(await secondClient.PostAsync("/entities", Forms.Entity(true, "b"), Ct), "not yet rotated");

        // Rotation: same size, written within the same moment; the new key wins at once.
        second.WritePublicKey(path);
        await TokenAttackTests.AssertUnauthorized(await firstClient.PostAsync("/entities", Forms.Entity(true, "c"), Ct), "rotated away");
        Assert.Equal(HttpStatusCode.Created, (await secondClient.PostAsync("/entities", Forms.Entity(true, "d"), Ct)).StatusCode);

        File.Delete(path);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await secondClient.PostAsync("/entities", Forms.Entity(true, "e"), Ct)).StatusCode);

        second.WritePublicKey(path);
        Assert.Equal(HttpStatusCode.Created, (await secondClient.PostAsync("/entities", Forms.Entity(true, "f"), Ct)).StatusCode);
    }

    public static TheoryData<string> BadKeys =>
    [
        "not a pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "p384", "rsa", "",
    ];

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_key_file_that_is_not_a_P256_public_key_answers_503_naming_the_file(string content)
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key: null);
        File.WriteAllText(host.Settings.PublicKeyPath, content switch
        {
            "p384" => TestKey.Create(ECCurve.NamedCurves.nistP384).PublicPem,
            "rsa" => RSA.Create(2048).ExportSubjectPublicKeyInfoPem(),
            _ => content,
        });
        using var client = host.As(key.Token(permissions: Write));
        var refused = await client.PostAsync("/entities", Forms.Entity(true, "x"), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains(host.Settings.PublicKeyPath, (await refused.ReadJsonAsync()).GetProperty("detail").GetString());

        key.WritePublicKey(host.Settings.PublicKeyPath);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/entities", Forms.Entity(true, "x"), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_private_key_pem_is_used_only_for_its_public_half()
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key: null);
        File.WriteAllText(host.Settings.PublicKeyPath, key.Ecdsa.ExportECPrivateKeyPem());
        using var client = host.As(key.Token(permissions: Write));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/entities", Forms.Entity(true, "x"), Ct)).StatusCode);
    }

    [Fact]
    public async Task With_read_auth_on_and_no_key_reads_need_a_token_and_a_token_gets_503()
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key: null, s => s with { ReadAuthEnabled = true });
        await TokenAttackTests.AssertNotAuthenticated(await host.Client.GetAsync("/entities", Ct));
        using var client = host.As(key.Token(permissions: ["media_store_read"]));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/entities", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode);
    }
}
