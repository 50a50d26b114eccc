import { isoInZone } from "../../domain/appointments/slots.ts";
import { maskPhone as maskE164 } from "../../domain/customers/phone.ts";
import { maskCustomerEmail, maskName } from "../../domain/personal-data/mask-customer.ts";
import type { Appointment } from "../../store/appointments.ts";
import { maskedFor, textsIn } from "../personal-data/free-text.ts";

/** What the booker gets back: the manage token only once, at booking (it is stored hashed). */
export interface BookedView {
  readonly id: string;
  readonly code: string;
  readonly start: string;
  readonly end: string;
  readonly status: string;
  readonly manageToken: string;
  readonly manageUrl: string;
}

/** An appointment as the customer's manage page and staff see it (staff get the phone masked unless needed). */
export interface AppointmentView {
  readonly id: string;
  readonly branchId: string;
  readonly serviceId: string;
  readonly code: string;
  readonly start: string;
  readonly end: string;
  readonly status: string;
  readonly name: string;
  readonly phone: string;
  readonly email: string | null;
  readonly channel: string;
  readonly answers: Readonly<Record<string, string | number | boolean>>;
  readonly ticketId: string | null;
  readonly cancelReason: string | null;
  readonly managerUserId: string | null;
}

/** 138****5678: enough to recognise a caller, not enough to copy (the same form as every staff answer). */
export function maskPhone(phone: string): string {
  return maskE164(phone);
}

/**
 * `staff`: the answer goes to a member of staff, who sees the customer masked (王*明, 138****5678, z***@…;
 * issue 14); a full value is read through the customer's break-glass route. `maskPhone` without `staff`: the
 * customer's own manage page, a public page, which carries the name, phone and e-mail masked too (whoever holds
 * the link sees the booking, not the person's data). The form answers and the cancellation reason are free
 * text: numbers and the booker's name in them are masked for staff and on the customer's page alike (the teller
 * serving the visit reads the answers as typed through the ticket).
 */
export function appointmentView(
  a: Appointment,
  timeZone: string,
  options: { maskPhone: boolean; staff?: boolean },
): AppointmentView {
  const staff = options.staff === true;
  const text = maskedFor([a.customerName]);
  return {
    id: a.id,
    branchId: a.branchId,
    serviceId: a.serviceId,
    code: a.code,
    start: isoInZone(a.start, timeZone),
    end: isoInZone(a.end, timeZone),
    status: a.status,
    name: staff || options.maskPhone ? maskName(a.customerName) : a.customerName,
    phone: options.maskPhone || staff ? maskPhone(a.customerPhone) : a.customerPhone,
    email:
      (staff || options.maskPhone) && a.customerEmail !== null ? maskCustomerEmail(a.customerEmail) : a.customerEmail,
    channel: a.channel,
    answers: textsIn(a.answers, text),
    ticketId: a.ticketId,
    cancelReason: text(a.cancelReason),
    managerUserId: a.managerUserId,
  };
}
