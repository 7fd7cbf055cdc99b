using System.Data.Common;
using Store.Data;

namespace Store.Tests.Infrastructure;

/// <summary>
/// Which engine the services the tests start run on: SQLite (a copy of the <see cref="TemplateDatabase"/>) unless
/// STORE_TEST_DATABASE=postgres, which gives each service a database of its own on the run's
/// <see cref="PostgresCluster"/>, copied from a template migrated once (CREATE DATABASE … TEMPLATE). scripts/test runs
/// the entity, job and auth classes a second time that way; a class that looks at SQLite itself carries
/// <c>[Trait("database", "sqlite-only")]</c> and says why.
/// </summary>
public static class TestDatabase
{
    public static bool Postgres { get; } = Environment.GetEnvironmentVariable("STORE_TEST_DATABASE") is "postgres";

    static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A fresh, migrated database; answers its DATABASE_URL, the way an owner configures the service.</summary>
    public static async Task<string> CreatePostgresAsync()
    {
        var cluster = await PostgresCluster.GetAsync();
        var name = await cluster.CreateDatabaseAsync(await Template.Value);
        return $"postgres://store@127.0.0.1:{cluster.Port}/{name}";
    }

    /// <summary>The same, as the connection string the store makes of that URL (<see cref="Store.Hosting.StoreSettings.PostgresConnection"/>).</summary>
    public static async Task<string> CreatePostgresConnectionAsync() => PostgresUrl.ConnectionString(await CreatePostgresAsync());

    /// <summary>Drops the database a service's connection string names.</summary>
    public static async Task DropPostgresAsync(string connectionString)
    {
        var name = new DbConnectionStringBuilder { ConnectionString = connectionString }["Database"].ToString()!;
        await (await PostgresCluster.GetAsync()).DropDatabaseAsync(name);
    }

    static async Task<string> CreateTemplateAsync()
    {
        var cluster = await PostgresCluster.GetAsync();
        var name = await cluster.CreateDatabaseAsync();
        // The cluster's connection strings do not pool: no connection stays open on the template, which CREATE DATABASE needs.
        PostgresMigrator.Run(cluster.ConnectionString(name));
        return name;
    }
}
