/** What the stand-in keeps about an account's billing; answers are built from it (billing-ledger.ts). */
import type {
  BILL_DELIVERY,
  BILL_FIX_TYPES,
  BILLING_CYCLES,
  FINANCIAL_TRANSACTION_TYPES,
} from '../../../model/gentrack-api/billing-shapes.js';
import type { METER_READ_TYPES } from '../../../model/gentrack-api/meter-shapes.js';
import type { CARD_BRANDS, PAYMENT_FREQUENCIES } from '../../../model/gentrack-api/payment-shapes.js';

export interface BillMeterRead {
  servicePointId: string;
  meterSerialNumber: string;
  registerId: string;
  readDate: string;
  reading: number;
  previousReading: number;
  consumption: number;
  unit: string;
  readType: (typeof METER_READ_TYPES)[number];
}

export interface BillRecord {
  billId: string;
  accountNumber: string;
  billNumber: string;
  issueDate: string;
  dueDate: string;
  periodStart: string;
  periodEnd: string;
  amount: number;
  amountPaid: number;
  /** The status follows from this, the payments and the date (see billStatus). */
  state: 'Issued' | 'UnderReview' | 'Cancelled';
  /** Printed on the bill's PDF. */
  lines: { description: string; amount: number }[];
  meterReads: BillMeterRead[];
}

export interface LedgerTransaction {
  transactionId: string;
  type: (typeof FINANCIAL_TRANSACTION_TYPES)[number];
  date: string;
  amount: number;
  description: string;
  reference: string | null;
}

export interface ArrangementRecord {
  arrangementId: string;
  accountNumber: string;
  cancelled: boolean;
  frequency: (typeof PAYMENT_FREQUENCIES)[number];
  instalmentAmount: number;
  numberOfInstalments: number;
  startDate: string;
  endDate: string;
  paymentMethodId: string | null;
  createdAt: string;
  cancelledAt: string | null;
}

export interface PaymentMethodRecord {
  paymentMethodId: string;
  accountNumber: string;
  type: 'DirectDebit' | 'CreditCard';
  isDefault: boolean;
  bankAccount?: { accountName: string; bsb: string; accountNumberLast4: string };
  card?: { brand: (typeof CARD_BRANDS)[number]; last4: string; expiryMonth: number; expiryYear: number };
  createdAt: string;
}

export interface RefundRecord {
  refundRequestId: string;
  accountNumber: string;
  amount: number;
  reason: string;
  paymentMethodId: string | null;
  createdAt: string;
}

export interface FixRequestRecord {
  fixRequestId: string;
  billId: string;
  fixType: (typeof BILL_FIX_TYPES)[number];
  reason: string;
  createdAt: string;
}

/** One account's billing: created with defaults the first time anything asks about the account. */
export interface AccountBilling {
  accountNumber: string;
  billingCycle: (typeof BILLING_CYCLES)[number];
  billDelivery: (typeof BILL_DELIVERY)[number];
  billingEmail: string | null;
  paymentTermsCode: PaymentTermsCode;
  paymentReview: { date: string; reason: string | null; updatedAt: string } | null;
  /** Oldest first. */
  bills: BillRecord[];
  /** Oldest first. */
  transactions: LedgerTransaction[];
  arrangements: ArrangementRecord[];
  paymentMethods: PaymentMethodRecord[];
  refunds: RefundRecord[];
}

export const PAYMENT_TERMS = {
  NET14: {
    description: 'Payment due 14 days after the bill is issued',
    daysToPay: 14,
    latePaymentFee: 12.5,
    earlyPaymentDiscountPercent: 0,
  },
  NET30: {
    description: 'Payment due 30 days after the bill is issued',
    daysToPay: 30,
    latePaymentFee: 25,
    earlyPaymentDiscountPercent: 0,
  },
  PAYONTIME: {
    description: 'Payment due 14 days after the bill is issued; 5% off when paid on time',
    daysToPay: 14,
    latePaymentFee: 0,
    earlyPaymentDiscountPercent: 5,
  },
} as const;
export type PaymentTermsCode = keyof typeof PAYMENT_TERMS;

/** Amounts are in the tenant's currency. */
export const TENANT_CURRENCY = 'AUD';
