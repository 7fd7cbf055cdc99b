namespace Store.Http;

/// <summary>Lenient parsing of form and query text the way the Python clients send it.</summary>
public static class FormValues
{
    /// <summary>true/false, 1/0 (any case, as the contract allows).</summary>
    public static bool TryBool(string? raw, out bool value)
    {
        value = false;
        return raw?.Trim().ToLowerInvariant() switch
        {
            "true" or "1" => value = true,
            "false" or "0" => true,
            _ => false,
        };
    }

    /// <summary>Empty text means "not given" for optional numbers, as HTML forms and the SDKs send it.</summary>
    public static bool TryOptionalLong(string? raw, out long? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(raw) || raw.Trim().Equals("null", StringComparison.OrdinalIgnoreCase)) return true;
        if (long.TryParse(raw.Trim(), out var parsed)) { value = parsed; return true; }
        return false;
    }
}
