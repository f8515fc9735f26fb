import pytest

from elc.deid import is_valid_nhs_number, nhs_check_digit


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_valid_numbers_pass(number):
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize("number", ["9434765918", "1234567890", "943476591", "94347659190",
                                    "0000000000", "abcdefghij", ""])
def test_invalid_numbers_fail(number):
    assert not is_valid_nhs_number(number)


def test_check_digit_arithmetic():
    # 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 % 11 = 2; 11 - 2 = 9
    assert nhs_check_digit("943476591") == 9


def test_check_digit_ten_means_no_valid_number():
    # find nine digits whose check would be 10: such prefixes never form an NHS number
    for n in range(100000000, 100000200):
        nine = str(n)
        if nhs_check_digit(nine) is None:
            assert not any(is_valid_nhs_number(nine + str(d)) for d in range(10))
            break
    else:  # pragma: no cover
        pytest.fail("no prefix with check digit 10 found")


def test_check_digit_eleven_maps_to_zero():
    for n in range(100000000, 100001000):
        nine = str(n)
        total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1)))
        if total % 11 == 0:
            assert nhs_check_digit(nine) == 0
            assert is_valid_nhs_number(nine + "0")
            return
    pytest.fail("no prefix with remainder 0 found")  # pragma: no cover
