using System.Text;
using Dapper;
using DbUp;
using DbUp.Engine.Output;
using DbUp.Sqlite.Helpers;
using Microsoft.Data.Sqlite;
using Store.Data;
using Store.Entities.List;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.List;

/// <summary>
/// The indexed search (sql/0007, its grams column for short words and the soft-deleted in sql/0010) answers exactly what the rule it replaced answered: each word, folded with .NET's
/// invariant lower case, is a substring of the folded label or the folded description; filters, soft-deleted and
/// version rules unchanged. The library is written raw before the index exists (so the migration builds it), then
/// changed through the triggers; the expected answer is a plain C# reading of the rule over the same rows.
/// </summary>
[Trait("speed", "slow")]
// About SQLite's own index (FTS5 and its migration over a raw library); PostgreSQL's search runs in ListEntitiesTests.
[Trait("database", "sqlite-only")]
public sealed partial class SearchEquivalenceTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Pieces of text that tell case rules, tokenizers and query syntaxes apart.</summary>
    static readonly string[] Fragments =
    [
        "beach", "Sunset", "BEACHES", "sunsets", "mountain", "snow", "a", "ab", "é", "ÉTÉ", "été", "Straße", "STRASSE",
        "ẞ", "ß", "İstanbul", "istanbul", "ıi", "ΣΊΣΥΦΟΣ", "σίσυφος", "ς", "Ёлка", "ёлка", "K", "k", "Ω", "ω",
        "Ａｂｃ", "ａｂｃ", "😀", "😀😀", "😀beach", "e\u0301te", "naïve", "NAÏVE", "100%", "50_50", "a_b", "x*y", "\"quoted\"",
        "'single'", "AND", "OR", "NOT", "NEAR", "(paren)", "label:beach", "-minus", "+plus", "^caret", "tab\tin",
        "über", "ÜBER", "ǅ", "ǆ", "Ǆ", "ﬁ", "ﬃ", "Æsir", "æsir", "Øre", "øre", "ÿ", "Ÿ", "µ", "Μ", "日本", "日本語",
        "写真", "ğ", "Ğ", "ǰ", "ȿ", "Ɀ", "ꭰ", "Ꭰ", "𐐀", "𐐨", "x", "xy", "xyz", "beach-sunset", "sun.set", "n°1",
        // The grams column's own markers (sql/0010) in stored text and in words: checked by instr, never confused with it.
        "a\u0001b", "\u0001", "\u0002\u0002\u0002", "x\u0002", "b\u0001e",
    ];

    static readonly string[] Separators = [" ", " ", " ", "-", ", ", "", "/", "  "];

    sealed record Row
    {
        public long Id { get; init; }
        public string? Label { get; init; }
        public string? Description { get; init; }
        public long? ParentId { get; init; }
        public bool IsCollection { get; init; }
        public bool IsDeleted { get; init; }
        public string? Type { get; init; }
    }

    [Fact]
    public async Task Indexed_search_answers_what_the_folding_substring_rule_answers()
    {
        await using var temp = TempDb.Create(migrate: false);
        MigrateBefore(temp, "0007");
        var random = new Random(20260218);
        using (var raw = temp.OpenRaw())
        {
            using var tx = raw.BeginTransaction();
            var collections = new List<long>();
            for (var i = 0; i < 400; i++)
            {
                var isCollection = random.Next(4) == 0;
                var id = raw.ExecuteScalar<long>(
                    """
                    INSERT INTO entities (is_collection, label, description, parent_id, added_date, updated_date, is_deleted, type, md5)
                    VALUES (@isCollection, @label, @description, @parent, 1, 1, @deleted, @type, @md5) RETURNING id
                    """,
                    new
                    {
                        isCollection,
                        label = random.Next(10) == 0 ? null : Text(random),
                        description = random.Next(3) == 0 ? null : Text(random),
                        parent = collections.Count > 0 && random.Next(3) > 0 ? collections[random.Next(collections.Count)] : (long?)null,
                        deleted = random.Next(6) == 0,
                        type = isCollection ? null : random.Next(3) == 0 ? "video" : "image",
                        md5 = isCollection ? null : $"h{i}",
                    }, tx);
                if (isCollection) collections.Add(id);
            }
            // A fragment in more vocabulary entries than the vocabulary answers with tokens (sql/0011): "wide" is
            // then a phrase of entity_search, "wide007" a token of entity_terms.
            for (var i = 0; i < SearchTerms.MaxEntries + 20; i++)
                raw.Execute("INSERT INTO entities (is_collection, label, description, added_date, updated_date, is_deleted) VALUES (1, @label, @description, 1, 1, @deleted)",
                    new { label = $"Wide{i:D3}", description = random.Next(2) == 0 ? Text(random) : null, deleted = i % 5 == 0 }, tx);
            tx.Commit();
        }

        await using var host = await StoreHost.StartAsync(settings => temp.Settings with
        {
            Host = settings.Host, Port = settings.Port, BuiltinWorker = false, AuthDisabled = true,
        });
        await using (var db = await host.OpenDbAsync())
        {
            // Changes after the migration go through the triggers: new versions, soft deletes and restores, hard deletes, new rows.
            await db.ExecuteAsync("UPDATE entities SET label = @label WHERE id % 7 = 0", new { label = "renamed Beach ÉTÉ" });
            await db.ExecuteAsync("UPDATE entities SET description = 'ΣΊΣΥΦΟΣ 😀' WHERE id % 11 = 0");
            await db.ExecuteAsync("UPDATE entities SET is_deleted = 1 - is_deleted WHERE id % 13 = 0");
            await db.ExecuteAsync("UPDATE entities SET parent_id = NULL WHERE id % 17 = 0");
            await db.ExecuteAsync("DELETE FROM entities WHERE id % 19 = 0 AND id NOT IN (SELECT parent_id FROM entities WHERE parent_id IS NOT NULL)");
            for (var i = 0; i < 40; i++)
                await db.ExecuteAsync(
                    "INSERT INTO entities (is_collection, label, description, added_date, updated_date) VALUES (1, @label, @description, 2, 2)",
                    new { label = Text(random), description = Text(random) });
        }

        List<Row> rows;
        Dictionary<long, long> versions;
        await using (var db = await host.OpenDbAsync())
        {
            rows = (await db.QueryAsync<Row>(
                "SELECT id AS Id, label AS Label, description AS Description, parent_id AS ParentId, is_collection AS IsCollection, is_deleted AS IsDeleted, type AS Type FROM entities ORDER BY id")).AsList();
            versions = (await db.QueryAsync<(long Id, long Max)>("SELECT id, MAX(version) FROM entity_versions GROUP BY id"))
                .ToDictionary(v => v.Id, v => v.Max);
        }

        var queries = Queries(rows, random);
        var filters = new[] { "", "&exclude_deleted=true", "&include_deleted=false", "&is_collection=true", "&type=image", "&version=2", "&version=1&is_collection=false" };
        var parents = rows.Where(r => r.IsCollection).Select(r => r.Id).Take(3).Select(p => $"&parent_id={p}").Append("&parent_id=0");
        var checkedAny = 0;
        foreach (var query in queries)
        foreach (var filter in query.Length % 3 == 0 ? filters.Concat(parents) : filters.Take(2))
        {
            var expected = rows.Where(r => Matches(r, query) && Passes(r, filter, versions)).Select(r => r.Id).ToList();
            var url = $"/entities?page_size=100&search_query={Uri.EscapeDataString(query)}{filter}";
            var page = await host.Client.GetOkAsync(url);
            Assert.True(expected.Take(100).SequenceEqual(page.Ids()), $"{url}: expected [{string.Join(",", expected.Take(100))}], got [{string.Join(",", page.Ids())}]");
            Assert.Equal(expected.Count, page.GetProperty("pagination").GetProperty("total_items").GetInt64());
            var descending = await host.Client.GetOkAsync(url + "&order=desc");
            Assert.Equal(Enumerable.Reverse(expected).Take(100), descending.Ids());
            if (expected.Count > 0) checkedAny++;
        }
        Assert.True(checkedAny > 100, $"only {checkedAny} queries had matches");

        // The vocabulary holds each run of folded text with the number of entities holding it, after every change above.
        var expectedTerms = rows.SelectMany(r => SearchGrams.Runs(r.Label?.ToLowerInvariant(), r.Description?.ToLowerInvariant()))
            .GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        await using (var db = await host.OpenDbAsync())
        {
            var terms = (await db.QueryAsync<(string Term, long N)>("SELECT term, n FROM search_terms")).ToDictionary(t => t.Term, t => t.N, StringComparer.Ordinal);
            Assert.Equal(expectedTerms.OrderBy(t => t.Key, StringComparer.Ordinal), terms.OrderBy(t => t.Key, StringComparer.Ordinal));
            await db.ExecuteAsync("INSERT INTO entity_terms (entity_terms, rank) VALUES ('integrity-check', 0)");
            await db.ExecuteAsync("INSERT INTO search_terms_index (search_terms_index, rank) VALUES ('integrity-check', 0)");
        }

        // The counts kept for the queries above (sql/0013: those counted in entity_search, at most 64, the rest
        // dropped on the way) are the rule's, and stay so through more changes, which the asks then read.
        await AssertKeptCountsAsync(host);
        await using (var db = await host.OpenDbAsync())
            Assert.Equal(SearchCounts.MaxRows, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM search_counts"));
        await using (var db = await host.OpenDbAsync())
        {
            await db.ExecuteAsync("UPDATE entities SET label = 'Wide beach x' WHERE id % 5 = 1");
            await db.ExecuteAsync("UPDATE entities SET description = NULL WHERE id % 9 = 2");
            await db.ExecuteAsync("UPDATE entities SET is_deleted = 1 - is_deleted WHERE id % 4 = 3");
            await db.ExecuteAsync("DELETE FROM entities WHERE id % 23 = 0 AND id NOT IN (SELECT parent_id FROM entities WHERE parent_id IS NOT NULL)");
            for (var i = 0; i < 20; i++)
                await db.ExecuteAsync("INSERT INTO entities (is_collection, label, description, added_date, updated_date, is_deleted) VALUES (1, @label, @description, 3, 3, @deleted)",
                    new { label = Text(random), description = $"wide{i:D3} " + Text(random), deleted = i % 3 == 0 });
            rows = (await db.QueryAsync<Row>(
                "SELECT id AS Id, label AS Label, description AS Description, parent_id AS ParentId, is_collection AS IsCollection, is_deleted AS IsDeleted, type AS Type FROM entities ORDER BY id")).AsList();
        }
        await AssertKeptCountsAsync(host);
        foreach (var query in queries)
        foreach (var filter in new[] { "", "&exclude_deleted=true" })
        {
            var url = $"/entities?page_size=1&search_query={Uri.EscapeDataString(query)}{filter}";
            var total = (await host.Client.GetOkAsync(url)).GetProperty("pagination").GetProperty("total_items").GetInt64();
            Assert.True(rows.Count(r => Matches(r, query) && Passes(r, filter, versions)) == total, url);
        }
        await AssertKeptCountsAsync(host);
    }

    [Fact]
    public void Implied_words_are_left_out_and_the_rest_kept()
    {
        Assert.Equal(new[] { "beach" }, SearchWords.Parse("a beach").Indexed);
        Assert.Empty(SearchWords.Parse("a beach").Short);
        Assert.Equal(new[] { "beach", "sunset" }, SearchWords.Parse("Sunset be BEACH sun beach").Indexed.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "a\u0001b" }, SearchWords.Parse("a\u0001b b a").Scanned);
        Assert.Empty(SearchWords.Parse("a\u0001b b a").Short);
        // A lone surrogate is a replacement character to SQLite, never the half of an emoji.
        var lone = SearchWords.Parse("\ud83d 😀");
        Assert.Equal(new[] { "😀", "\ufffd" }, lone.Short.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Totals_of_unsearched_pages_equal_a_count_of_the_rows()
    {
        await using var host = await StoreHost.StartAsync();
        var top = await host.Client.CreateCollectionAsync("top");
        var inner = await host.Client.CreateCollectionAsync("inner", parentId: top.Id());
        for (var i = 0; i < 6; i++) await host.Client.CreateMediaAsync($"note {i}", parentId: i % 2 == 0 ? top.Id() : inner.Id());
        await host.Client.PatchAsync(inner.Id(), new { is_deleted = true });
        await host.Client.PatchAsync(inner.Id() + 1, new { parent_id = inner.Id() });
        await host.Client.DeleteAsync($"/entities/{inner.Id() + 2}", Ct);
        await host.Client.PatchAsync(top.Id(), new { label = "top2" });

        await using var db = await host.OpenDbAsync();
        foreach (var parent in new long?[] { null, 0, top.Id(), inner.Id(), 999 })
        foreach (var deleted in new[] { "", "&exclude_deleted=true" })
        foreach (var kind in new[] { "", "&is_collection=true", "&is_collection=false", "&type=text", "&type=image" })
        foreach (var version in new[] { "", "&version=1", "&version=2", "&version=3" })
        {
            var query = $"/entities?page_size=1{(parent is null ? "" : $"&parent_id={parent}")}{deleted}{kind}{version}";
            var sql = new StringBuilder("SELECT COUNT(*) FROM entities e WHERE 1 = 1");
            if (parent is 0) sql.Append(" AND e.parent_id IS NULL");
            else if (parent is not null) sql.Append($" AND e.parent_id = {parent}");
            if (deleted.Length > 0) sql.Append(" AND e.is_deleted = 0");
            if (kind.Contains("true")) sql.Append(" AND e.is_collection = 1");
            if (kind.Contains("false")) sql.Append(" AND e.is_collection = 0");
            if (kind.Contains("type=")) sql.Append($" AND e.type = '{kind[(kind.IndexOf('=') + 1)..]}'");
            if (version.Length > 0) sql.Append($" AND EXISTS (SELECT 1 FROM entity_versions v WHERE v.id = e.id AND v.version = {version[9..]})");
            var page = await host.Client.GetOkAsync(query);
            Assert.True(await db.ExecuteScalarAsync<long>(sql.ToString()) == page.GetProperty("pagination").GetProperty("total_items").GetInt64(), query);
        }
    }

    /// <summary>Runs the scripts before <paramref name="script"/>, so that the library exists when the later ones build their indexes and counts.</summary>
    internal static void MigrateBefore(TempDb temp, string script)
    {
        Db.Prepare(temp.Path);
        using var connection = new SqliteConnection(Db.ConnectionString(temp.Path));
        connection.Open();
        // The later of the early scripts (sql/0007 on) call fold() and search_grams().
        Db.Prepare(connection);
        using var shared = new SharedConnection(connection);
        var result = DeployChanges.To.SqliteDatabase(shared)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly,
                name => name.Contains(".sql.") && name.EndsWith(".sql") && string.CompareOrdinal(name[(name.IndexOf(".sql.") + 5)..], script) < 0)
            .LogTo(new NoOpUpgradeLog())
            .Build()
            .PerformUpgrade();
        Assert.True(result.Successful, result.Error?.Message);
    }

    static string Text(Random random)
    {
        var text = new StringBuilder();
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            if (text.Length > 0) text.Append(Separators[random.Next(Separators.Length)]);
            text.Append(Fragments[random.Next(Fragments.Length)]);
        }
        return text.ToString();
    }

    /// <summary>Every fragment in three cases, pieces of stored texts of 1 to 5 characters, and pairs and triples of those.</summary>
    static List<string> Queries(IReadOnlyList<Row> rows, Random random)
    {
        var words = new List<string>();
        foreach (var fragment in Fragments) words.AddRange([fragment, fragment.ToUpperInvariant(), fragment.ToLowerInvariant()]);
        var texts = rows.SelectMany(r => new[] { r.Label, r.Description }).OfType<string>().ToList();
        for (var i = 0; i < 120; i++)
        {
            var text = texts[random.Next(texts.Count)];
            var length = random.Next(1, 6);
            if (text.Length < length) continue;
            var start = random.Next(text.Length - length + 1);
            if (char.IsLowSurrogate(text[start]) || char.IsHighSurrogate(text[start + length - 1])) continue;
            words.Add(random.Next(2) == 0 ? text.Substring(start, length) : text.Substring(start, length).ToUpperInvariant());
        }
        words = words.Where(w => w.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length > 0).Distinct().ToList();
        var queries = new List<string>(words)
        {
            "zzzz", "qq", " ", "beach  sunset", "\tbeach\n",
            // Words inside other words of the query (sql/0011 leaves them out: they are implied).
            "a beach", "be beach", "BEACH beach", "beach beaches", "😀 😀beach", "ab a b", "b\u0001e b", "a\u0001b a", "x xy xyz",
            "\u0002 \u0002\u0002\u0002", "é été", "ß straße", "s sunset sun", "beach zzzz", "a zzzz",
            "wide", "WIDE0", "wide007", "wide007 wide", "wide007 beach", "wide beach", "wide00 wide01", "ide00", "wide1 a",
        };
        for (var i = 0; i < 150; i++)
            queries.Add(string.Join(' ', Enumerable.Range(0, random.Next(2, 4)).Select(_ => words[random.Next(words.Count)])));
        return queries;
    }

    /// <summary>The rule as the list endpoint implemented it before the index: instr(fold(column), fold(word)) for every word.</summary>
    static bool Matches(Row row, string query) =>
        query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).All(word =>
        {
            var w = word.ToLowerInvariant();
            return row.Label?.ToLowerInvariant().Contains(w, StringComparison.Ordinal) == true
                || row.Description?.ToLowerInvariant().Contains(w, StringComparison.Ordinal) == true;
        });

    static bool Passes(Row row, string filter, IReadOnlyDictionary<long, long> versions)
    {
        foreach (var part in filter.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (part[..part.IndexOf('=')], part[(part.IndexOf('=') + 1)..]);
            var ok = name switch
            {
                "exclude_deleted" or "include_deleted" => !row.IsDeleted,
                "is_collection" => row.IsCollection == bool.Parse(value),
                "type" => row.Type == value,
                "version" => versions.TryGetValue(row.Id, out var max) && max >= long.Parse(value),
                "parent_id" => value == "0" ? row.ParentId is null : row.ParentId == long.Parse(value),
                _ => throw new ArgumentException(name),
            };
            if (!ok) return false;
        }
        return true;
    }
}
