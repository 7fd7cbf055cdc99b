namespace Store.Auth;

public static class AuthSetup
{
    public static IServiceCollection AddStoreAuth(this IServiceCollection services) => services
        .AddSingleton<PublicKeyFile>()
        .AddSingleton<TokenVerifier>()
        .AddSingleton<ReadAuthSwitch>();

    /// <summary>Routing first, so that the access check sees which endpoint (and which rule) a request is for.</summary>
    public static void UseStoreAuth(this WebApplication app)
    {
        app.UseRouting();
        app.UseMiddleware<AuthMiddleware>();
    }
}
