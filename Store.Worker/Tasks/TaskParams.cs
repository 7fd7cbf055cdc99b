using System.Text.Json;

namespace Store.Worker.Tasks;

/// <summary>Reads a task's options from the job's params, failing the job with a clear message on a bad value.</summary>
public static class TaskParams
{
    public static int? Int(JsonElement parameters, string name, int min, int max)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty(name, out var value)
            || value.ValueKind == JsonValueKind.Null)
            return null;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(value.GetString(), out var s) => s,
            _ => (int?)null,
        };
        if (parsed is null || parsed < min || parsed > max)
            throw new TaskFailedException($"params.{name} must be a whole number from {min} to {max}");
        return parsed;
    }

    public static string? String(JsonElement parameters, string name)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty(name, out var value)
            || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new TaskFailedException($"params.{name} must be a string");
    }
}
