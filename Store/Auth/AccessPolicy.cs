namespace Store.Auth;

public enum Decision { Allow, NotAuthenticated, Forbidden }

/// <summary>The contract's permission table (section 3) in one place: which caller may pass which rule.</summary>
public static class AccessPolicy
{
    /// <summary>Whether a request under this rule must carry a token at all.</summary>
    public static bool NeedsToken(Access access, bool readAuthEnabled) => access switch
    {
        Access.Public => false,
        Access.EntityRead => readAuthEnabled,
        _ => true,
    };

    /// <param name="caller">The verified token's owner, or null when no token was sent.</param>
    public static Decision Decide(Access access, bool readAuthEnabled, Caller? caller)
    {
        if (caller is null) return NeedsToken(access, readAuthEnabled) ? Decision.NotAuthenticated : Decision.Allow;
        if (caller.IsAnAdmin) return Decision.Allow;
        var allowed = access switch
        {
            Access.Public => true,
            Access.EntityRead => !readAuthEnabled || caller.Has(Caller.Read) || caller.Has(Caller.Write),
            Access.EntityWrite => caller.Has(Caller.Write),
            Access.Inference => caller.Has(Caller.Inference),
            Access.Admin => false,
            _ => false,
        };
        return allowed ? Decision.Allow : Decision.Forbidden;
    }
}
