using System.Text.Json;

namespace Store.Http;

public static class Naming
{
    /// <summary>The wire's snake_case for a C# name (PageSize → page_size); already snake names pass through.</summary>
    public static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
