using FluentValidation;

namespace Store.Admin.Config;

public sealed class ReadAuthValidator : AbstractValidator<ReadAuthInput>
{
    public ReadAuthValidator()
    {
        RuleFor(i => i.Body).Custom((body, context) =>
        {
            if (body.Failure("JSON {\"enabled\": true|false} or a form with enabled") is { } failure) context.AddFailure(failure);
        });
        // Only a JSON object or a form has fields to judge; the rule above already said what else is wrong.
        When(i => i.Body.Usable, () =>
        {
            RuleFor(i => i.Sent).Equal(true).OverridePropertyName("enabled")
                .WithMessage("Field required").WithErrorCode("missing");
            RuleFor(i => i.IsBoolean).Equal(true).OverridePropertyName("enabled")
                .WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing")
                .When(i => i.Sent);
        });
    }
}
