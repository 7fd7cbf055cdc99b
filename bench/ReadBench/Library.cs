using System.Data.Common;
using Store.Data;
using Store.Hosting;

namespace ReadBench;

/// <summary>
/// Writes a photo library straight into a database migrated by Store: the triggers (history, search index,
/// counters) run as for any write, only without an HTTP request per row. The mix: 5% collections nested up to
/// three deep, the rest images (85%), videos (12%) and other files, 90% of them in a collection; half named like
/// camera files, half with two or three words; most with a description of words, drawn with a Zipf-like skew
/// (a few words are common, most rare); 4% of the words are non-ASCII; 10% of the items renamed once (version 2),
/// 2% twice, 3% soft-deleted. Into the SQLite file of a data folder, or (a postgres:// URL) into a PostgreSQL database,
/// through the same statements: only the session settings, the random picks of the edits and the final upkeep differ.
/// </summary>
static class Library
{
    static readonly string[] InsertParameters =
        ["@c", "@label", "@description", "@parent", "@added", "@created", "@size", "@height", "@width", "@duration", "@mime", "@type", "@ext", "@md5", "@path"];

    static readonly string[] Words =
    [
        "beach", "sunset", "family", "birthday", "holiday", "summer", "winter", "garden", "mountain", "lake", "river",
        "city", "night", "party", "wedding", "dinner", "friends", "school", "trip", "road", "forest", "snow", "rain",
        "morning", "evening", "dog", "cat", "baby", "kids", "grandma", "grandpa", "house", "kitchen", "car", "train",
        "airport", "museum", "park", "picnic", "christmas", "easter", "concert", "football", "hiking", "camping",
        "island", "harbour", "boat", "sea", "sky", "clouds", "flowers", "tree", "autumn", "spring", "bridge", "castle",
        "church", "market", "street", "festival", "graduation", "anniversary", "vacation", "weekend", "sunrise",
        "portrait", "selfie", "landscape", "waterfall", "desert", "village", "farm", "horse", "bike", "skiing",
        "swimming", "pool", "hotel", "restaurant", "coffee", "cake", "breakfast", "lunch", "zoo", "aquarium", "tower",
        "old", "new", "first", "last", "big", "little", "red", "blue", "green", "golden", "quiet", "windy", "sunny",
        "north", "south", "east", "west", "uncle", "aunt", "cousin", "teacher", "team", "class", "office", "home",
        "balcony", "view", "lights", "fireworks", "lantern", "harvest", "apple", "cherry", "blossom", "meadow", "cliff",
        "cave", "glacier", "volcano", "canyon", "valley", "dunes", "reef", "lighthouse", "pier", "promenade", "square",
        "fountain", "statue", "gallery", "library", "stadium", "theatre", "circus", "carnival", "parade", "ceremony",
        "reunion", "visit", "journey", "cruise", "ferry", "flight", "station", "tram", "subway", "taxi", "truck",
        "tractor", "puppy", "kitten", "bird", "eagle", "owl", "fox", "deer", "bear", "wolf", "rabbit", "fish", "whale",
        "dolphin", "turtle", "butterfly", "bee", "spider", "moon", "stars", "storm", "fog", "frost", "ice", "sand",
        "stone", "wood", "leaves", "grass", "field", "hill", "peak", "trail", "path", "camp", "tent", "fire", "barbecue",
        "dance", "music", "guitar", "piano", "drums", "singer", "band", "game", "match", "race", "marathon", "medal",
        "trophy", "prize", "gift", "present", "card", "letter", "book", "painting", "drawing", "craft", "project",
        "sketch", "sculpture", "pottery", "quilt", "knitting", "bakery", "pizza", "pasta", "sushi", "tacos", "soup",
    ];

    static readonly string[] NonAscii =
    [
        "été", "Straße", "München", "Zürich", "Ålesund", "Kraków", "Málaga", "Göteborg", "Łódź", "Curaçao", "Reykjavík",
        "São", "Paulo", "Ελλάδα", "Αθήνα", "Москва", "Київ", "日本", "東京", "서울", "İstanbul", "Ærø", "Český", "naïve",
    ];

    static readonly (string Type, string Mime, string Ext, int Weight)[] Kinds =
    [
        ("image", "image/jpeg", "jpg", 70), ("image", "image/heic", "heic", 10), ("image", "image/png", "png", 5),
        ("video", "video/mp4", "mp4", 8), ("video", "video/quicktime", "mov", 4), ("audio", "audio/mpeg", "mp3", 1),
        ("text", "text/plain", "txt", 1), ("file", "application/pdf", "pdf", 1),
    ];

    public static int Generate(string dataDir, int count, string? databaseUrl = null)
    {
        var settings = StoreSettings.FromEnvironment(name => name switch { "CL_SERVER_DIR" => dataDir, "DATABASE_URL" => databaseUrl, _ => null });
        Migrator.Run(settings.Data);
        var postgres = settings.Data.Kind == DbKind.Postgres;
        var random = new Random(42);
        var zipf = ZipfTable(Words.Length);
        string Word()
        {
            if (random.Next(100) < 4) return NonAscii[random.Next(NonAscii.Length)];
            return Words[zipf[random.Next(zipf.Length)]];
        }
        string Phrase(int min, int max) => string.Join(' ', Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => Word()));
        string Capitalised(string s) => char.ToUpperInvariant(s[0]) + s[1..];

        // The store's own connection: on SQLite prepared with the functions the search triggers call.
        using var db = new Db(settings.Data);
        using var connection = db.OpenAsync().GetAwaiter().GetResult();
        Exec(connection, postgres ? "SET synchronous_commit = off" : "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144");
        var insert = connection.CreateCommand();
        insert.CommandText =
            """
            INSERT INTO entities (is_collection, label, description, parent_id, added_date, updated_date, is_deleted,
                create_date, added_by, updated_by, file_size, height, width, duration, mime_type, type, extension, md5, file_path, file_md5)
            VALUES (@c, @label, @description, @parent, @added, @added, 0, @created, 'bench', 'bench', @size, @height, @width,
                @duration, @mime, @type, @ext, @md5, @path, @md5)
            RETURNING id
            """;
        var p = InsertParameters.ToDictionary(n => n, n =>
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = n;
            parameter.Value = DBNull.Value;
            insert.Parameters.Add(parameter);
            return parameter;
        });

        var collections = new List<(long Id, int Depth)>();
        var start = new DateTimeOffset(2012, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var span = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() - start;
        var kindTable = Kinds.SelectMany(k => Enumerable.Repeat(k, k.Weight)).ToArray();
        var transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        for (var i = 0; i < count; i++)
        {
            var added = start + (long)(span * (i / (double)count));
            var isCollection = i < 200 || random.Next(100) < 5;
            foreach (var v in p.Values) v.Value = DBNull.Value;
            p["@c"].Value = isCollection ? 1 : 0;
            p["@added"].Value = added;
            if (isCollection)
            {
                var parent = collections.Count < 200 ? ((long Id, int Depth)?)null : collections[random.Next(collections.Count)];
                if (parent is { Depth: >= 3 }) parent = null;
                p["@label"].Value = Capitalised(Phrase(1, 3)) + (random.Next(3) == 0 ? $" {2012 + random.Next(14)}" : "");
                if (random.Next(2) == 0) p["@description"].Value = Phrase(3, 8);
                p["@parent"].Value = parent is { } pp ? pp.Id : DBNull.Value;
                collections.Add((Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), parent is { } q ? q.Depth + 1 : 1));
            }
            else
            {
                var kind = kindTable[random.Next(kindTable.Length)];
                var md5 = Convert.ToHexStringLower(BitConverter.GetBytes((long)i).Concat(BitConverter.GetBytes(random.NextInt64())).ToArray());
                p["@label"].Value = random.Next(2) == 0 ? $"IMG_{random.Next(10000):D4}.{kind.Ext}" : Capitalised(Phrase(2, 3));
                if (random.Next(10) < 7) p["@description"].Value = Phrase(2, 10);
                p["@parent"].Value = collections.Count > 0 && random.Next(10) < 9 ? collections[random.Next(collections.Count)].Id : DBNull.Value;
                p["@created"].Value = added - random.NextInt64(0, 86_400_000L * 30);
                p["@size"].Value = kind.Type == "video" ? random.Next(5_000_000, 400_000_000) : random.Next(200_000, 12_000_000);
                if (kind.Type is "image" or "video")
                {
                    var (w, h) = random.Next(4) switch { 0 => (1920, 1080), 1 => (4032, 3024), 2 => (3024, 4032), _ => (1280, 720) };
                    p["@width"].Value = w;
                    p["@height"].Value = h;
                }
                if (kind.Type is "video" or "audio") p["@duration"].Value = random.Next(1, 600) + 0.5;
                p["@mime"].Value = kind.Mime;
                p["@type"].Value = kind.Type;
                p["@ext"].Value = kind.Ext;
                p["@md5"].Value = md5;
                var day = DateTimeOffset.FromUnixTimeMilliseconds(added);
                p["@path"].Value = $"store/{day:yyyy/MM/dd}/{md5}.{kind.Ext}";
                insert.ExecuteNonQuery();
            }
            if (i % 50_000 == 49_999)
            {
                transaction.Commit();
                transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                Console.Error.Write($"\r  {i + 1} entities");
            }
        }
        transaction.Commit();
        Console.Error.WriteLine($"\r  {count} entities");

        // Versions and soft deletes, through the same triggers as the service's own writes.
        var percent = postgres ? (Func<int, string>)(n => $"random() < {n / 100.0:0.00}") : n => $"abs(random()) % 100 < {n}";
        Exec(connection, "BEGIN");
        Exec(connection, $"UPDATE entities SET label = label || ' (edited)', updated_date = updated_date + 1000 WHERE is_collection = 0 AND {percent(10)}");
        Exec(connection, $"UPDATE entities SET description = 'retouched ' || COALESCE(description, ''), updated_date = updated_date + 2000 WHERE label LIKE '% (edited)' AND {percent(20)}");
        Exec(connection, $"UPDATE entities SET is_deleted = 1 WHERE {percent(3)}");
        Exec(connection, "COMMIT");
        if (postgres) Exec(connection, "VACUUM ANALYZE");
        else
        {
            Exec(connection, "PRAGMA optimize=0x10002");
            Exec(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        }

        // What bench/reads asks for: a typical collection, an existing hash, a word with few matches.
        var middle = count / 2;
        var parentOf = Scalar(connection, $"SELECT parent_id FROM entities WHERE parent_id IS NOT NULL AND id >= {middle} ORDER BY id LIMIT 1");
        var md5Of = Scalar(connection, $"SELECT md5 FROM entities WHERE md5 IS NOT NULL AND id >= {middle} ORDER BY id LIMIT 1");
        var entityOf = Scalar(connection, $"SELECT id FROM entities WHERE is_collection = 0 AND id >= {middle} ORDER BY id LIMIT 1");
        Console.WriteLine($"ENTITY={entityOf}");
        Console.WriteLine($"PARENT={parentOf}");
        Console.WriteLine($"MD5={md5Of}");
        Console.WriteLine($"RARE={Words[zipf[^1]]}");
        Console.WriteLine($"COMMON={Words[0]}");
        Console.WriteLine($"SECOND={Words[1]}");
        Console.WriteLine($"DEEP_PAGE={count / 20 / 2}");
        Console.WriteLine($"MIDDLE_DATE={start + span / 2}");
        return 0;
    }

    /// <summary>Indexes into Words where word k comes up about 10/(k+10) as often as the first.</summary>
    static int[] ZipfTable(int n)
    {
        var table = new List<int>();
        for (var k = 0; k < n; k++) table.AddRange(Enumerable.Repeat(k, 10_000 / (k + 10)));
        return table.ToArray();
    }

    static void Exec(DbConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    static string Scalar(DbConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
