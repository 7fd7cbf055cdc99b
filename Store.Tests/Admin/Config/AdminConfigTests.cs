using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Store.Tests.Auth;
using Store.Tests.Infrastructure;

namespace Store.Tests.Admin.Config;

/// <summary>GET /admin/config and PUT /admin/config/read-auth: the runtime read-auth switch (contract sections 3, 5, 7).</summary>
public sealed class AdminConfigTests(AdminConfigTests.UntouchedConfig untouched) : IClassFixture<AdminConfigTests.UntouchedConfig>
{
    /// <summary>
    /// One service with auth on whose config nothing ever changes: the tests of refused bodies share it, each checking
    /// afterwards that the config is still unset, so a refused body that changed it fails there as on a service of its own.
    /// </summary>
    public sealed class UntouchedConfig : IAsyncLifetime
    {
        public TestKey Key { get; } = TestKey.Create();
        StoreHost? _host;
        public StoreHost Host => _host ?? throw new InvalidOperationException("not started");

        public async ValueTask InitializeAsync() => _host = await AuthHost.StartAsync(Key);

        public async ValueTask DisposeAsync()
        {
            if (_host is not null) await _host.DisposeAsync();
            Key.Dispose();
        }
    }

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    static async Task<JsonElement> Config(HttpClient admin)
    {
        var response = await admin.GetAsync("/admin/config", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Before_anything_was_set_the_environment_value_shows_with_nulls(bool env)
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key, s => s with { ReadAuthEnabled = env });
        using var admin = host.As(key.Token(sub: "root", isAdmin: true));
        var body = await Config(admin);
        Assert.Equal(env, body.GetProperty("read_auth_enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("updated_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("updated_by").ValueKind);
        Assert.Equal(3, body.EnumerateObject().Count());
    }

    [Fact]
    public async Task Turning_read_auth_on_takes_effect_at_once_and_records_who_and_when()
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key);
        using var admin = host.As(key.Token(sub: "root", isAdmin: true));
        using var reader = host.As(key.Token(sub: "reader", permissions: ["media_store_read"]));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/entities", Ct)).StatusCode);

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var put = await admin.PutAsync("/admin/config/read-auth", JsonBody("""{"enabled": true}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var body = await put.ReadJsonAsync();
        Assert.True(body.GetProperty("read_auth_enabled").GetBoolean());
        Assert.Equal("root", body.GetProperty("updated_by").GetString());
        Assert.InRange(body.GetProperty("updated_at").GetInt64(), before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(body.GetRawText(), (await Config(admin)).GetRawText());

        await TokenAttackTests.AssertNotAuthenticated(await host.Client.GetAsync("/entities", Ct));
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/entities", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/admin/config/read-auth", JsonBody("""{"enabled": false}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/entities", Ct)).StatusCode);
        Assert.False((await Config(admin)).GetProperty("read_auth_enabled").GetBoolean());
    }

    public static TheoryData<string, string, bool> AcceptedBodies => new()
    {
        { "json", """{"enabled": true}""", true },
        { "json", """{"enabled": false}""", false },
        { "json", """{"enabled": "true"}""", true },
        { "json", """{"enabled": 0}""", false },
        { "urlencoded", "enabled=true", true },
        { "urlencoded", "enabled=False", false },
        { "urlencoded", "enabled=1", true },
        { "multipart", "true", true },
        { "multipart", "0", false },
    };

    [Theory]
    [MemberData(nameof(AcceptedBodies))]
    public async Task The_switch_takes_json_or_a_form(string kind, string body, bool expected)
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key, s => s with { ReadAuthEnabled = !expected });
        using var admin = host.As(key.Token(isAdmin: true));
        var response = await admin.PutAsync("/admin/config/read-auth", Body(kind, body), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, (await response.ReadJsonAsync()).GetProperty("read_auth_enabled").GetBoolean());
        Assert.Equal(expected, (await Config(admin)).GetProperty("read_auth_enabled").GetBoolean());
    }

    public static TheoryData<string, string, string> RejectedBodies => new()
    {
        { "json", "{}", "missing" },
        { "json", """{"enable": true}""", "missing" },
        { "json", """{"enabled": "maybe"}""", "bool_parsing" },
        { "json", """{"enabled": null}""", "bool_parsing" },
        { "json", """{"enabled": 2}""", "bool_parsing" },
        { "json", """{"enabled": [true]}""", "bool_parsing" },
        { "json", "[true]", "model_attributes_type" },
        { "json", "{not json", "json_invalid" },
        { "json", "", "missing" },
        { "none", "", "missing" },
        { "text", """{"enabled": true}""", "model_attributes_type" },
        { "urlencoded", "enabled=", "bool_parsing" },
        { "urlencoded", "enabled=true&enabled=maybe", "bool_parsing" },
        { "urlencoded", "other=true", "missing" },
        { "urlencoded", "enabled=maybe", "bool_parsing" },
        { "multipart", "yes please", "bool_parsing" },
    };

    [Theory]
    [MemberData(nameof(RejectedBodies))]
    public async Task Bad_input_is_a_422_in_list_form_and_changes_nothing(string kind, string body, string type)
    {
        using var admin = untouched.Host.As(untouched.Key.Token(isAdmin: true));
        var response = await admin.PutAsync("/admin/config/read-auth", Body(kind, body), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var item = Assert.Single((await response.ReadJsonAsync()).GetProperty("detail").EnumerateArray());
        Assert.Equal(type, item.GetProperty("type").GetString());
        Assert.Equal("body", item.GetProperty("loc")[0].GetString());
        Assert.False(string.IsNullOrEmpty(item.GetProperty("msg").GetString()));

        var config = await Config(admin);
        Assert.False(config.GetProperty("read_auth_enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("updated_at").ValueKind);
    }

    [Fact]
    public async Task Only_admins_may_read_or_change_the_config()
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key);
        foreach (var permission in new[] { "media_store_read", "media_store_write", "ai_inference_support" })
        {
            using var client = host.As(key.Token(permissions: [permission]));
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/admin/config", Ct)).StatusCode);
            var put = await client.PutAsync("/admin/config/read-auth", JsonBody("""{"enabled": true}"""), Ct);
            Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
            Assert.Equal("Not enough permissions", (await put.ReadJsonAsync()).GetProperty("detail").GetString());
        }
        await TokenAttackTests.AssertNotAuthenticated(await host.Client.GetAsync("/admin/config", Ct));
        await TokenAttackTests.AssertNotAuthenticated(await host.Client.PutAsync("/admin/config/read-auth", JsonBody("""{"enabled": true}"""), Ct));

        using var byPermission = host.As(key.Token(sub: "ops", permissions: ["admin"]));
        var ok = await byPermission.PutAsync("/admin/config/read-auth", JsonBody("""{"enabled": true}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("ops", (await ok.ReadJsonAsync()).GetProperty("updated_by").GetString());
    }

    [Fact]
    public async Task The_stored_value_wins_over_the_environment()
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key, s => s with { ReadAuthEnabled = true });
        using var admin = host.As(key.Token(isAdmin: true));
        await TokenAttackTests.AssertNotAuthenticated(await host.Client.GetAsync("/entities", Ct));
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/admin/config/read-auth", JsonBody("""{"enabled": false}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/entities", Ct)).StatusCode);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task The_switch_survives_a_restart_and_still_wins_over_the_environment(bool env, bool set)
    {
        using var key = TestKey.Create();
        var first = await AuthHost.StartAsync(key, s => s with { ReadAuthEnabled = env });
        var settings = first.Settings;
        try
        {
            using (var admin = first.As(key.Token(sub: "root", isAdmin: true)))
            {
                var put = await admin.PutAsync("/admin/config/read-auth", JsonBody($$"""{"enabled": {{(set ? "true" : "false")}}}"""), Ct);
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }
            // Stop the first service but keep its data folder for the second.
            first.Client.Dispose();
            await first.App.StopAsync(Ct);
            await first.App.DisposeAsync();
            SqliteConnection.ClearAllPools();

            await using var second = await AuthHost.StartAsync(key: null, s => s with
            {
                ServerDir = settings.ServerDir,
                DatabasePath = settings.DatabasePath,
                PostgresConnection = settings.PostgresConnection,
                MediaDir = settings.MediaDir,
                PublicKeyPath = settings.PublicKeyPath,
                ReadAuthEnabled = env,
            });
            using var again = second.As(key.Token(isAdmin: true));
            var config = await Config(again);
            Assert.Equal(set, config.GetProperty("read_auth_enabled").GetBoolean());
            Assert.Equal("root", config.GetProperty("updated_by").GetString());
            var anonymousRead = await second.Client.GetAsync("/entities", Ct);
            Assert.Equal(set ? HttpStatusCode.Unauthorized : HttpStatusCode.OK, anonymousRead.StatusCode);
        }
        finally
        {
            try { Directory.Delete(settings.ServerDir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task With_auth_disabled_anyone_may_flip_the_switch_and_reads_stay_open()
    {
        await using var host = await StoreHost.StartAsync();
        var put = await host.Client.PutAsync("/admin/config/read-auth", JsonBody("""{"enabled": true}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var body = await put.ReadJsonAsync();
        Assert.True(body.GetProperty("read_auth_enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("updated_by").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/entities", Ct)).StatusCode);
    }

    public static TheoryData<string> OversizedForms => new()
    {
        new string('k', 3000) + "=true",
        string.Join('&', Enumerable.Range(0, 2000).Select(i => $"f{i}=v")) + "&enabled=true",
    };

    [Theory]
    [MemberData(nameof(OversizedForms))]
    public async Task A_form_beyond_the_form_limits_is_a_422_in_list_form_not_a_500(string form)
    {
        using var admin = untouched.Host.As(untouched.Key.Token(isAdmin: true));
        var response = await admin.PutAsync("/admin/config/read-auth", Body("urlencoded", form), Ct);
        Assert.Contains("limit", await Expect.ShapeErrorAsync(response, "value_error", "body"));
        Assert.False((await Config(admin)).GetProperty("read_auth_enabled").GetBoolean());
    }

    static HttpContent Body(string kind, string body) => kind switch
    {
        "json" => JsonBody(body),
        "urlencoded" => new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        "multipart" => Forms.Fields(("enabled", body)),
        "text" => new StringContent(body, Encoding.UTF8, "text/plain"),
        "none" => null!,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
