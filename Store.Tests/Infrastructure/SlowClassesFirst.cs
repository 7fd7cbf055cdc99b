using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(Store.Tests.Infrastructure.SlowClassesFirst))]

namespace Store.Tests.Infrastructure;

/// <summary>
/// Each test class is a collection, and a few collections run at a time (xunit.runner.json): the run ends when its
/// last class does. xunit's own order is arbitrary, so a class of a minute or two could start near the end and run
/// on alone while the cores idle. The classes marked <c>[Trait("speed", "slow")]</c> start first, so that the many
/// short classes fill in around them and the run ends on short ones.
/// </summary>
public sealed class SlowClassesFirst : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : notnull, ITestCollection =>
        testCollections
            .OrderByDescending(c => Rank(ClassOf(c)))
            .ThenBy(c => c.TestCollectionDisplayName, StringComparer.Ordinal)
            .ToList();

    static int Rank(Type? type)
    {
        if (type is null) return 0;
        return type.GetCustomAttributes<TraitAttribute>().Any(t => t is { Name: "speed", Value: "slow" }) ? 1 : 0;
    }

    /// <summary>A class's own collection is named "Test collection for {full name} (id: …)".</summary>
    static Type? ClassOf(ITestCollection collection)
    {
        const string prefix = "Test collection for ";
        var name = collection.TestCollectionDisplayName;
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return null;
        name = name[prefix.Length..];
        var end = name.IndexOf(' ', StringComparison.Ordinal);
        return typeof(SlowClassesFirst).Assembly.GetType(end < 0 ? name : name[..end]);
    }
}
