using Store.Hosting;
using Store.Tests.Infrastructure;

namespace Store.Tests.Auth;

/// <summary>A <see cref="StoreHost"/> with authentication on and the test key's public half in place.</summary>
public static class AuthHost
{
    public static async Task<StoreHost> StartAsync(TestKey? key, Func<StoreSettings, StoreSettings>? tweak = null, Server server = Server.InMemory)
    {
        var host = await StoreHost.StartAsync(s =>
        {
            s = s with { AuthDisabled = false };
            return tweak is null ? s : tweak(s);
        }, server: server);
        key?.WritePublicKey(host.Settings.PublicKeyPath);
        return host;
    }

    public static HttpClient As(this StoreHost host, string token) => host.NewClient(token);
}
