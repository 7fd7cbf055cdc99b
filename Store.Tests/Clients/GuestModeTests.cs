using System.Net;
using System.Text;
using Store.Tests.Auth;
using Store.Tests.Infrastructure;
using static Store.Tests.Clients.ClientKit;

namespace Store.Tests.Clients;

/// <summary>GET / carries guestMode; /admin/pref and /admin/pref/guest-mode are the read-auth setting, inverted.</summary>
public sealed class GuestModeTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<string?> GuestModeAsync(HttpClient client) =>
        (await client.GetOkAsync("/")).Str("guestMode");

    [Fact]
    public async Task Health_says_on_while_reads_are_public_and_off_while_they_need_a_token()
    {
        using var key = TestKey.Create();
        await using (var open = await StoreHost.StartAsync()) Assert.Equal("on", await GuestModeAsync(open.Client));
        await using (var writeOnly = await AuthHost.StartAsync(key)) Assert.Equal("on", await GuestModeAsync(writeOnly.Client));
        await using var readAuth = await AuthHost.StartAsync(key, s => s with { ReadAuthEnabled = true });
        Assert.Equal("off", await GuestModeAsync(readAuth.Client));
    }

    [Theory]
    [InlineData("urlencoded")]
    [InlineData("multipart")]
    [InlineData("json")]
    public async Task Guest_mode_switches_the_one_stored_setting(string kind)
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key);
        using var admin = host.As(key.Token(sub: "root", isAdmin: true, shape: TokenShape.Id));

        var before = await admin.GetOkAsync("/admin/pref");
        Assert.True(before.GetProperty("guest_mode").GetBoolean());
        Assert.True(before.IsNull("updated_at"));

        var put = await Expect.StatusAsync(await admin.PutAsync("/admin/pref/guest-mode", Body(kind, "false"), Ct), HttpStatusCode.OK);
        Assert.Equal("""{"guest_mode":false,"message":"Configuration updated successfully"}""", put.GetRawText());

        var pref = await admin.GetOkAsync("/admin/pref");
        Assert.False(pref.GetProperty("guest_mode").GetBoolean());
        Assert.Equal("root", pref.Str("updated_by"));
        var config = await admin.GetOkAsync("/admin/config");
        Assert.True(config.GetProperty("read_auth_enabled").GetBoolean());
        Assert.Equal(pref.GetProperty("updated_at").GetInt64(), config.GetProperty("updated_at").GetInt64());
        Assert.Equal("off", await GuestModeAsync(host.Client));
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("/entities", Ct)).StatusCode);

        // And back through the other switch: both views follow.
        var enabled = new StringContent("""{"enabled": false}""", Encoding.UTF8, "application/json");
        await Expect.StatusAsync(await admin.PutAsync("/admin/config/read-auth", enabled, Ct), HttpStatusCode.OK);
        Assert.True((await admin.GetOkAsync("/admin/pref")).GetProperty("guest_mode").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/entities", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("urlencoded", "maybe", "bool_parsing")]
    [InlineData("json", "maybe", "bool_parsing")]
    [InlineData("urlencoded", null, "missing")]
    public async Task A_bad_guest_mode_is_a_422_in_the_list_form_and_changes_nothing(string kind, string? value, string type)
    {
        await using var host = await StoreHost.StartAsync();
        HttpContent body = value is null ? UrlEncoded(("other", "x")) : Body(kind, value);
        await Expect.ShapeErrorAsync(await host.Client.PutAsync("/admin/pref/guest-mode", body, Ct), type, "body", "guest_mode");
        Assert.True((await host.Client.GetOkAsync("/admin/pref")).GetProperty("guest_mode").GetBoolean());
    }

    [Fact]
    public async Task Preferences_are_for_admins_only()
    {
        using var key = TestKey.Create();
        await using var host = await AuthHost.StartAsync(key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("/admin/pref", Ct)).StatusCode);
        using var writer = host.As(key.Token(permissions: ["media_store_write"], shape: TokenShape.Id));
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.PutAsync("/admin/pref/guest-mode", UrlEncoded(("guest_mode", "false")), Ct)).StatusCode);
    }

    static HttpContent Body(string kind, string value) => kind switch
    {
        "urlencoded" => UrlEncoded(("guest_mode", value)),
        "multipart" => Forms.Fields(("guest_mode", value)),
        _ => new StringContent(value is "true" or "false" ? $$"""{"guest_mode": {{value}}}""" : $$"""{"guest_mode": "{{value}}"}""", Encoding.UTF8, "application/json"),
    };
}
