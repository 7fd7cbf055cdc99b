namespace Store.Integrity.Shared;

public static class IntegrityServices
{
    public static IServiceCollection AddIntegrity(this IServiceCollection services) =>
        services.AddSingleton<FileOwners>().AddSingleton<OrphanScan>();
}
