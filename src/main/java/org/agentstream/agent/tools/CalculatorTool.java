package org.agentstream.agent.tools;

import com.ezylang.evalex.EvaluationException;
import com.ezylang.evalex.Expression;
import com.ezylang.evalex.config.ExpressionConfiguration;
import com.ezylang.evalex.config.MapBasedFunctionDictionary;
import com.ezylang.evalex.config.MapBasedOperatorDictionary;
import com.ezylang.evalex.data.EvaluationValue;
import com.ezylang.evalex.functions.FunctionIfc;
import com.ezylang.evalex.functions.FunctionParameterDefinition;
import com.ezylang.evalex.functions.basic.AbsFunction;
import com.ezylang.evalex.functions.basic.MaxFunction;
import com.ezylang.evalex.functions.basic.MinFunction;
import com.ezylang.evalex.functions.basic.RoundFunction;
import com.ezylang.evalex.functions.basic.SqrtFunction;
import com.ezylang.evalex.operators.AbstractOperator;
import com.ezylang.evalex.operators.InfixOperator;
import com.ezylang.evalex.operators.OperatorIfc;
import com.ezylang.evalex.operators.arithmetic.InfixDivisionOperator;
import com.ezylang.evalex.operators.arithmetic.InfixMinusOperator;
import com.ezylang.evalex.operators.arithmetic.InfixMultiplicationOperator;
import com.ezylang.evalex.operators.arithmetic.InfixPlusOperator;
import com.ezylang.evalex.operators.arithmetic.PrefixMinusOperator;
import com.ezylang.evalex.operators.arithmetic.PrefixPlusOperator;
import com.ezylang.evalex.parser.ASTNode;
import com.ezylang.evalex.parser.ParseException;
import com.ezylang.evalex.parser.Token;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;

/**
 * The built-in tool {@code calculator}: evaluates a short arithmetic expression with EvalEx (numbers, + - * / ^,
 * parentheses, ABS, MIN, MAX, SQRT and ROUND; no variables), to 34 significant digits. Its input comes from users,
 * and a Java thread cannot be stopped, so every value is bounded while it is computed: no exponent literals, no
 * integer power above {@value #MAX_EXPONENT}, no value above {@value #MAX_DIGITS} digits.
 */
@ApplicationScoped
public class CalculatorTool {

    /** The longest expression it takes. */
    static final int MAX_LENGTH = 200;
    /** The longest number literal it takes. */
    static final int MAX_LITERAL = 40;
    /** The largest (absolute) integer exponent of {@code ^}. */
    static final int MAX_EXPONENT = 1000;
    /** The most digits a value may have before or after its decimal point. */
    static final int MAX_DIGITS = 1000;
    /** The largest number of decimal places ROUND takes. */
    static final int MAX_ROUND_SCALE = 34;

    private static final MathContext PRECISION = MathContext.DECIMAL128;

    private static final ExpressionConfiguration ARITHMETIC = ExpressionConfiguration.builder()
            .mathContext(PRECISION).arraysAllowed(false).structuresAllowed(false)
            .defaultConstants(Map.of("PI", ExpressionConfiguration.StandardConstants.get("PI"),
                    "E", ExpressionConfiguration.StandardConstants.get("E")))
            .operatorDictionary(operators()).functionDictionary(functions()).build();

    @Tool(name = "calculator", value = "Evaluates an arithmetic expression such as (17 * 23 + 4) / 2 and returns "
            + "its value; supports + - * / ^ (integer exponents), parentheses, and ABS, MIN, MAX, SQRT, ROUND")
    public String evaluate(@P(name = "expression", value = "the expression to evaluate") String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("no expression given");
        }
        if (expression.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the expression is longer than " + MAX_LENGTH + " characters");
        }
        Expression parsed = new Expression(expression, ARITHMETIC);
        try {
            if (!parsed.getUndefinedVariables().isEmpty()) {
                throw new IllegalArgumentException("the expression has unknown names: "
                        + String.join(", ", parsed.getUndefinedVariables()));
            }
            for (ASTNode node : parsed.getAllASTNodes()) {
                checkLiteral(node.getToken());
            }
            EvaluationValue value = parsed.evaluate();
            if (!value.isNumberValue()) {
                throw new IllegalArgumentException("the expression is not arithmetic");
            }
            BigDecimal number = bounded(null, value).getNumberValue().stripTrailingZeros();
            return number.scale() < 0 && number.precision() - number.scale() <= 34 ? number.toPlainString()
                    : number.toString();
        } catch (ParseException | EvaluationException invalid) {
            throw new IllegalArgumentException("cannot evaluate " + expression + ": " + invalid.getMessage());
        }
    }

    private static void checkLiteral(Token token) {
        if (token.getType() == Token.TokenType.STRING_LITERAL) {
            throw new IllegalArgumentException("the expression is not arithmetic");
        }
        if (token.getType() != Token.TokenType.NUMBER_LITERAL) {
            return;
        }
        String literal = token.getValue();
        if (literal.length() > MAX_LITERAL) {
            throw new IllegalArgumentException("a number is longer than " + MAX_LITERAL + " characters");
        }
        if (literal.chars().anyMatch(c -> c == 'e' || c == 'E') && !literal.toLowerCase().startsWith("0x")) {
            throw new IllegalArgumentException("numbers with an exponent are not taken: " + literal);
        }
    }

    /** {@code value} if it is a number of at most {@value #MAX_DIGITS} digits either side of the point. */
    private static EvaluationValue bounded(Token where, EvaluationValue value) throws EvaluationException {
        if (!value.isNumberValue()) {
            throw new EvaluationException(where, "only numbers are taken");
        }
        BigDecimal number = value.getNumberValue();
        if (number.signum() == 0) {
            return number.scale() == 0 ? value : EvaluationValue.numberValue(BigDecimal.ZERO);
        }
        if (number.precision() - number.scale() > MAX_DIGITS || number.scale() > MAX_DIGITS) {
            throw new EvaluationException(where, "a value has more than " + MAX_DIGITS + " digits");
        }
        return value;
    }

    private static EvaluationValue[] bounded(Token where, EvaluationValue... values) throws EvaluationException {
        for (EvaluationValue value : values) {
            bounded(where, value);
        }
        return values;
    }

    private static MapBasedOperatorDictionary operators() {
        MapBasedOperatorDictionary operators = new MapBasedOperatorDictionary();
        operators.addOperator("+", new BoundedOperator(new InfixPlusOperator()));
        operators.addOperator("-", new BoundedOperator(new InfixMinusOperator()));
        operators.addOperator("*", new BoundedOperator(new InfixMultiplicationOperator()));
        operators.addOperator("/", new BoundedOperator(new InfixDivisionOperator()));
        operators.addOperator("^", new BoundedPower());
        operators.addOperator("+", new BoundedOperator(new PrefixPlusOperator()));
        operators.addOperator("-", new BoundedOperator(new PrefixMinusOperator()));
        return operators;
    }

    private static MapBasedFunctionDictionary functions() {
        MapBasedFunctionDictionary functions = new MapBasedFunctionDictionary();
        functions.addFunction("ABS", new BoundedFunction(new AbsFunction()));
        functions.addFunction("MIN", new BoundedFunction(new MinFunction()));
        functions.addFunction("MAX", new BoundedFunction(new MaxFunction()));
        functions.addFunction("SQRT", new BoundedFunction(new SqrtFunction()));
        functions.addFunction("ROUND", new BoundedFunction(new RoundFunction()));
        return functions;
    }

    /** One of EvalEx's arithmetic operators, taking and giving bounded numbers only. */
    private record BoundedOperator(OperatorIfc standard) implements OperatorIfc {

        @Override
        public EvaluationValue evaluate(Expression expression, Token token, EvaluationValue... operands)
                throws EvaluationException {
            return bounded(token, standard.evaluate(expression, token, bounded(token, operands)));
        }

        @Override
        public int getPrecedence() {
            return standard.getPrecedence();
        }

        @Override
        public int getPrecedence(ExpressionConfiguration configuration) {
            return standard.getPrecedence(configuration);
        }

        @Override
        public boolean isLeftAssociative() {
            return standard.isLeftAssociative();
        }

        @Override
        public boolean isPrefix() {
            return standard.isPrefix();
        }

        @Override
        public boolean isPostfix() {
            return standard.isPostfix();
        }

        @Override
        public boolean isInfix() {
            return standard.isInfix();
        }

        @Override
        public boolean isOperandLazy() {
            return false;
        }
    }

    /** {@code ^} with an integer exponent of at most {@value #MAX_EXPONENT}, to 34 significant digits. */
    @InfixOperator(precedence = OperatorIfc.OPERATOR_PRECEDENCE_POWER, leftAssociative = false)
    private static final class BoundedPower extends AbstractOperator {

        @Override
        public EvaluationValue evaluate(Expression expression, Token token, EvaluationValue... operands)
                throws EvaluationException {
            bounded(token, operands);
            BigDecimal base = operands[0].getNumberValue();
            BigDecimal exponent = operands[1].getNumberValue();
            if (exponent.abs().compareTo(BigDecimal.valueOf(MAX_EXPONENT)) > 0
                    || exponent.stripTrailingZeros().scale() > 0) {
                throw new EvaluationException(token, "the exponent must be a whole number from -" + MAX_EXPONENT
                        + " to " + MAX_EXPONENT);
            }
            if (base.signum() == 0 && exponent.signum() < 0) {
                throw new EvaluationException(token, "division by zero");
            }
            return bounded(token, EvaluationValue.numberValue(base.pow(exponent.intValueExact(), PRECISION)));
        }

        @Override
        public int getPrecedence(ExpressionConfiguration configuration) {
            return configuration.getPowerOfPrecedence();
        }
    }

    /** One of EvalEx's math functions, taking and giving bounded numbers only (and ROUND a bounded scale). */
    private record BoundedFunction(FunctionIfc standard) implements FunctionIfc {

        @Override
        public EvaluationValue evaluate(Expression expression, Token token, EvaluationValue... arguments)
                throws EvaluationException {
            bounded(token, arguments);
            if (standard instanceof RoundFunction) {
                BigDecimal scale = arguments[1].getNumberValue();
                if (scale.signum() < 0 || scale.compareTo(BigDecimal.valueOf(MAX_ROUND_SCALE)) > 0) {
                    throw new EvaluationException(token, "ROUND takes 0 to " + MAX_ROUND_SCALE + " decimal places");
                }
            }
            return bounded(token, standard.evaluate(expression, token, arguments));
        }

        @Override
        public List<FunctionParameterDefinition> getFunctionParameterDefinitions() {
            return standard.getFunctionParameterDefinitions();
        }

        @Override
        public void validatePreEvaluation(Token token, EvaluationValue... arguments) throws EvaluationException {
            standard.validatePreEvaluation(token, arguments);
        }

        @Override
        public boolean hasVarArgs() {
            return standard.hasVarArgs();
        }

        @Override
        public boolean isParameterLazy(int index) {
            return standard.isParameterLazy(index);
        }

        @Override
        public int getCountOfNonVarArgParameters() {
            return standard.getCountOfNonVarArgParameters();
        }
    }
}
